package io.warden;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.warden.internal.DefaultWarden;
import io.warden.internal.Settings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Entry point: a connection to Redis that hands out {@link DistributedLock}s and {@link TaskLock}s.
 * Create one per application (it is thread-safe and meant to be shared) and {@link #close()} it at
 * shutdown.
 *
 * <pre>{@code
 * try (Warden warden = Warden.connect("redis://localhost:6379")) {
 *     DistributedLock lock = warden.lock("orders:42");
 *     try (Lease lease = lock.acquire(Duration.ofSeconds(5))) {
 *         store.write(order, lease.fencingToken());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Resources.</b> One command connection (shared, pipelined), one pub/sub connection for
 * release messages, and one scheduler thread that runs the watchdog for all leases. Listener
 * callbacks run on a separate executor.
 *
 * <p><b>Closing</b> stops the watchdog, releases every lease still held (owner-checked, reporting
 * them lost with {@link LossCause#WARDEN_CLOSED}), fails pending waiters, and closes the connections
 * Warden opened. A {@link RedisClient} passed in by the caller is left open.
 */
public interface Warden extends AutoCloseable {

    /**
     * Connects with default settings.
     *
     * @param redisUri {@code redis://[user:password@]host[:port][/database]}, {@code rediss://} for
     *     TLS
     * @throws RedisUnavailableException if Redis cannot be reached within the command timeout
     */
    static Warden connect(String redisUri) {
        return builder().uri(redisUri).build();
    }

    /** A builder with default settings. */
    static Builder builder() {
        return new Builder();
    }

    /** A handle on the lock {@code name}. No I/O. */
    DistributedLock lock(String name);

    /** A task lock on {@code name}, for jobs that must run on one node and be skipped elsewhere. No I/O. */
    TaskLock task(String name);

    /** Operator views: inspect, list, force-unlock. */
    LockAdmin admin();

    /** A snapshot of this instance's counters. */
    WardenMetrics metrics();

    /** The Redis endpoint, for messages. */
    String redisAddress();

    /** Releases held leases, stops the watchdog and closes owned connections. Idempotent. */
    @Override
    void close();

    /** Immutable-once-built configuration of a {@link Warden}. Every setting has a documented default. */
    final class Builder {
        private RedisURI uri;
        private RedisClient client;
        private String keyPrefix = "warden";
        private Duration defaultLeaseTime = Duration.ofSeconds(30);
        private Duration defaultWait = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofSeconds(3);
        private int renewalsPerLease = 3;
        private boolean fencing = true;
        private Backoff waitBackoff = Backoff.defaults();
        private LossPolicy lossPolicy = LossPolicy.INTERRUPT;
        private Executor callbackExecutor;

        Builder() {}

        /**
         * The Redis to use: {@code redis://[user:password@]host[:port][/database]}, or {@code rediss://}
         * for TLS. Default {@code redis://localhost:6379}.
         */
        public Builder uri(String redisUri) {
            Objects.requireNonNull(redisUri, "redisUri");
            try {
                this.uri = RedisURI.create(redisUri);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a Redis URI: '" + redisUri + "': " + e.getMessage(), e);
            }
            return this;
        }

        /** The Redis to use, as a Lettuce {@link RedisURI}. */
        public Builder uri(RedisURI redisUri) {
            this.uri = Objects.requireNonNull(redisUri, "redisUri");
            return this;
        }

        /**
         * Use an existing Lettuce client, created with its default URI ({@code RedisClient.create(uri)}).
         * Warden opens its own connections from it and leaves the client open on close.
         */
        public Builder client(RedisClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Namespace for all keys, so applications sharing a Redis do not collide. Default {@code
         * warden}; keys look like {@code warden:{orders:42}}. Must not contain braces.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isBlank() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException(
                        "key prefix must be non-blank and free of '{' and '}', got '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Lease time of acquisitions without an explicit one (they are watched). Default 30 s. */
        public Builder defaultLeaseTime(Duration leaseTime) {
            this.defaultLeaseTime = LeaseOptions.requirePositive(leaseTime, "default lease time");
            return this;
        }

        /** How long {@link DistributedLock#acquire()} waits. Default 30 s. */
        public Builder defaultWait(Duration wait) {
            Objects.requireNonNull(wait, "defaultWait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("default wait must not be negative, got " + wait);
            }
            this.defaultWait = wait;
            return this;
        }

        /** How long any single Redis command may take before it fails. Default 3 s. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = LeaseOptions.requirePositive(timeout, "command timeout");
            return this;
        }

        /** The watchdog renews a lease every {@code leaseTime / n}. Default 3; at least 2. */
        public Builder renewalsPerLease(int n) {
            if (n < 2) {
                throw new IllegalArgumentException("renewalsPerLease must be at least 2, got " + n);
            }
            this.renewalsPerLease = n;
            return this;
        }

        /**
         * Whether acquisitions mint fencing tokens. Default true, at the cost of one small counter key
         * per lock name, kept without TTL so tokens survive expiry. Turn off for very many distinct,
         * short-lived names; {@link Lease#fencingToken()} then throws.
         */
        public Builder fencing(boolean enabled) {
            this.fencing = enabled;
            return this;
        }

        /** The waiters' safety-net backoff. Default {@link Backoff#defaults()}. */
        public Builder waitBackoff(Backoff backoff) {
            this.waitBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** What guarded execution does to a task whose lease is lost. Default {@link LossPolicy#INTERRUPT}. */
        public Builder lossPolicy(LossPolicy policy) {
            this.lossPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Where lease-lost listeners and async completions run. Default: a cached pool of daemon
         * threads owned by the Warden.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Connects and returns the Warden.
         *
         * @throws RedisUnavailableException if Redis cannot be reached
         */
        public Warden build() {
            RedisURI target = uri;
            if (target == null && client == null) {
                target = RedisURI.create("redis://localhost:6379");
            }
            if (target != null) {
                target = RedisURI.builder(target).withTimeout(commandTimeout).build();
            }
            Settings settings = new Settings(
                    target,
                    client,
                    keyPrefix,
                    defaultLeaseTime,
                    defaultWait,
                    commandTimeout,
                    renewalsPerLease,
                    fencing,
                    waitBackoff,
                    lossPolicy,
                    callbackExecutor);
            return DefaultWarden.open(settings);
        }
    }
}
