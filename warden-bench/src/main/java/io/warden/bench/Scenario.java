package io.warden.bench;

import java.util.List;

/**
 * One benchmark scenario. The harness runs each (round, library) pair in a fresh JVM of its own and
 * calls {@link #run} there once; the scenario itself never loops over rounds or libraries.
 */
interface Scenario {

    /** Short id, such as {@code S1}. */
    String id();

    /** One line saying what it measures. */
    String title();

    /** The libraries compared, in the order of the first round (later rounds rotate it). */
    List<Library> libraries();

    /**
     * Measures {@code library} once, after its own warm-up, and returns the figures: one result for the
     * round, plus any unmeasured counting pass the scenario makes after the measured window (round 0).
     */
    List<RunResult> run(Bench bench, Library library, int round) throws Exception;
}
