package io.warden.chaos;

/**
 * The faults the nemesis injects. A fault that {@link #keepsModel() keeps the model} leaves every
 * assumption of Warden's exclusion guarantee in place (no holder paused past its lease, no Redis data
 * lost): confirmed holdings must then never overlap. Under the others overlaps may happen, but each
 * must be explained by a loss reported to the holder, or by the holder having been paused or killed.
 */
public enum Fault {
    /** SIGSTOP a worker JVM for longer than the lease (it usually holds the lock), then SIGCONT. */
    PAUSE_WORKER(false),
    /** SIGKILL a worker JVM (it usually holds the lock) and start a new one in its place. */
    KILL_WORKER(true),
    /** Drop all traffic between one worker and the lock Redis for longer than the lease. */
    BLACKHOLE(true),
    /** Delay every chunk between one worker and the lock Redis. */
    LATENCY(true),
    /** Close every connection between one worker and the lock Redis at once. */
    CUT(true),
    /** SIGSTOP the lock Redis for less than the lease. */
    PAUSE_REDIS_SHORT(true),
    /** SIGSTOP the lock Redis for longer than the lease. */
    PAUSE_REDIS_LONG(true),
    /**
     * Latency on every worker's proxy whose round trip is longer than the lease but shorter than the
     * command timeout, while the workers keep acquiring: every grant reaches its client after the lease
     * it grants has run out (an uncertain, late reply).
     */
    ACQUIRE_LATENCY(true),
    /**
     * Latency on one worker's proxy, then every connection cut while commands are in flight, several
     * times: the client reconnects and replays commands whose outcome it never heard (acquire, renew,
     * release may each have run already).
     */
    CUT_IN_FLIGHT(true),
    /**
     * SIGSTOP the lock Redis just as a long-lease holder (lease longer than the command timeout) is about
     * to release, and SIGCONT only after that release timed out and the holder re-entered the lock on
     * the same thread: the release is delivered late, while the holder believes it holds the lock again.
     */
    PAUSE_REDIS_DURING_RELEASE(true),
    /** SIGKILL and restart the lock Redis, which has an AOF fsynced on every write. */
    RESTART_REDIS_AOF(true),
    /** SIGKILL and restart the lock Redis without persistence: every lease and the token counter are lost. */
    RESTART_REDIS_NO_PERSISTENCE(false);

    private final boolean keepsModel;

    Fault(boolean keepsModel) {
        this.keepsModel = keepsModel;
    }

    public boolean keepsModel() {
        return keepsModel;
    }

    /** True for the faults that make Redis forget data. */
    public boolean losesData() {
        return this == RESTART_REDIS_NO_PERSISTENCE;
    }
}
