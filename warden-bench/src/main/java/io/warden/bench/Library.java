package io.warden.bench;

import java.time.Duration;
import java.util.Locale;

/** The libraries compared, and how to open each one as one application node. */
enum Library {
    WARDEN("Warden"),
    REDISSON("Redisson"),
    /**
     * Warden with {@code fencing(false)}: no fencing token minted, so acquire runs no INCR, TIME or
     * SET. Shown beside Warden in S1 and S2 to say what the token costs; never judged by a target.
     */
    WARDEN_NO_FENCE("Warden fencing(false)"),
    /** Warden's {@code fairLock(name)}: waiters across processes served in ticket order. */
    WARDEN_FAIR("Warden fairLock"),
    /** Redisson's {@code getFairLock(name)}. */
    REDISSON_FAIR("Redisson RFairLock"),
    /** Redisson's {@code RPermitExpirableSemaphore}: permits with a lease that is never renewed. */
    REDISSON_EXPIRABLE_SEMAPHORE("Redisson RPermitExpirableSemaphore"),
    /** Redisson's {@code RSemaphore}: a plain counter, its permits never expire. */
    REDISSON_SEMAPHORE("Redisson RSemaphore"),
    NAIVE("naive"),
    SHEDLOCK("ShedLock"),
    /** Not a library: Redis's own load generator, the physical reference. */
    REDIS_BENCHMARK("redis-benchmark");

    private final String label;

    Library(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The name used on command lines and in JSON. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Library ofId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** A lock client whose watched leases last {@code leaseTime} (the naive lock ignores it: EX 10). */
    LockClient openLocks(String uri, Duration leaseTime) {
        switch (this) {
            case WARDEN:
                return new WardenLocks(uri, leaseTime, false, true);
            case WARDEN_NO_FENCE:
                return new WardenLocks(uri, leaseTime, false, false);
            case REDISSON:
                return new RedissonLocks(uri, leaseTime, false);
            case WARDEN_FAIR:
                return new WardenLocks(uri, leaseTime, true, true);
            case REDISSON_FAIR:
                return new RedissonLocks(uri, leaseTime, true);
            case NAIVE:
                return new NaiveLocks(uri);
            default:
                throw new IllegalArgumentException(label + " has no lock adapter (task locks only)");
        }
    }

    TaskClient openTasks(String uri) {
        switch (this) {
            case WARDEN:
                return new WardenTasks(uri);
            case SHEDLOCK:
                return new ShedLockTasks(uri);
            default:
                throw new IllegalArgumentException(label + " has no task-lock adapter here");
        }
    }
}
