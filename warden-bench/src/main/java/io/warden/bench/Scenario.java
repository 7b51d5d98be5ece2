package io.warden.bench;

/** One benchmark scenario: runs every round for every library it compares, adding results. */
interface Scenario {

    /** Short id, such as {@code S1}. */
    String id();

    /** One line saying what it measures. */
    String title();

    void run(Bench bench) throws Exception;
}
