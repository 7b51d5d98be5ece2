package io.warden.bench;

/**
 * One lock library reduced to what the lock scenarios need: a blocking acquire with the library's
 * default (watched) lease, and a release. Implementations are thread-safe; one instance stands for
 * one application node with its own connections.
 */
interface LockClient extends AutoCloseable {

    /** How long any acquire waits before giving up: far above anything a scenario should see. */
    java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(60);

    /** Waits for the lock {@code name} and returns the held lock. */
    Held acquire(String name) throws InterruptedException;

    /** The Redis key this library stores the lock {@code name} under. */
    String redisKey(String name);

    @Override
    void close();

    /** A held lock. */
    interface Held {
        void release();
    }
}
