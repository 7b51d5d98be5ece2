package io.warden;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.warden.internal.Connection;
import io.warden.internal.Durations;
import io.warden.internal.RedisUris;
import io.warden.internal.Settings;
import io.warden.internal.TlsSettings;
import io.warden.internal.WardenCore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

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
 * <p><b>Topologies.</b> One server, a master behind Sentinel, a Redis Cluster, or (opt-in) Redlock
 * over independent masters: the API is the same, the guarantee on failover is not. Redis replicates
 * asynchronously, so a failover can forget a lock that the old master granted; {@link
 * Builder#replicaAcks} narrows that window and {@link Builder#redlock} closes it for single-node
 * failures, at a cost. {@code docs/topologies.md} says exactly what each one guarantees.
 *
 * <p><b>Resources.</b> One command connection (shared, pipelined; on a Cluster, one per node), one
 * pub/sub connection for release messages, and one scheduler thread that runs the watchdog for all
 * leases. Listener callbacks run on a separate executor.
 *
 * <p><b>Closing</b> stops the watchdog, releases every lease still held (owner-checked, reporting
 * them lost with {@link LossCause#WARDEN_CLOSED}), fails pending waiters, and closes the connections
 * Warden opened. A {@link RedisClient} passed in by the caller is left open.
 */
public interface Warden extends AutoCloseable {

    /**
     * Connects with default settings.
     *
     * @param redisUri {@code redis://[user:password@]host[:port][/database]} ({@code rediss://} for
     *     TLS) for one server; {@code redis-sentinel://host:port,host:port#masterName} for a master
     *     found through Sentinel; {@code redis-cluster://host:port,host:port} for a Redis Cluster
     *     (the hosts are seeds; the rest of the cluster is discovered). See {@code docs/topologies.md}.
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

    /**
     * The read-write lock called {@code name}: many readers or one writer, each reader with its own
     * lease; phase-fair (readers and writers take turns); see {@link DistributedReadWriteLock}. No I/O.
     *
     * @throws UnsupportedOperationException on Redlock, which read-write locks do not support
     */
    DistributedReadWriteLock readWriteLock(String name);

    /**
     * A handle on the semaphore {@code name} with {@code permits} permits: at most that many units
     * held at once across every process, each acquisition a {@link Permit} (a lease). No I/O. The
     * limit is stored with the semaphore; a handle with another limit is refused at acquisition
     * ({@link PermitCountMismatchException}) unless it is changed on purpose with {@link
     * DistributedSemaphore#resize}. Semaphores and locks live in separate keys: a lock and a
     * semaphore may share a name.
     *
     * @throws IllegalArgumentException if {@code permits} is under 1 or the name is not valid
     * @throws UnsupportedOperationException on Redlock, where semaphores are not available
     */
    DistributedSemaphore semaphore(String name, int permits);

    /**
     * A handle on the lock {@code name} whose waiters, across all processes, are served in the order
     * they arrived. No I/O.
     *
     * <p><b>Guarantees.</b> Everything {@link #lock} guarantees (owner-checked lease, watchdog,
     * fencing token, reentrancy, early loss signal), plus: a waiter takes a ticket in a queue kept
     * in Redis, and the lock is granted only to the oldest live ticket. A release wakes only the
     * waiter of that ticket. Each ticket has its own lease (the default lease time), which its
     * waiter sets again while it waits: a waiter that dies (or is paused past its ticket's lease)
     * loses its place, and stalls the queue for at most that lease. A waiter whose wait ends gives
     * its ticket up. Within one Warden, threads waiting for the same name queue locally in FIFO
     * order and only the first holds a ticket, so the others take theirs when it gets the lock.
     *
     * <p><b>Not guaranteed.</b> Order between waiters whose tickets were taken within one Redis
     * round trip of each other is the order Redis ran their commands in. A plain {@link #lock} on
     * the same name ignores the queue (do not mix the two on one name; one Warden refuses to). A
     * failover to a replica that missed the queue's last writes reorders those tickets; no waiter
     * is lost (each re-queues itself at its next refresh). Not available on Redlock: {@code
     * UnsupportedOperationException}. {@link DistributedLock#tryAcquire()} takes a ticket and gives
     * it up again unless it is first in line.
     *
     * <p><b>Cost.</b> One script per attempt as for {@link #lock}, a little heavier (it also keeps
     * the queue), plus one per waiter per lease / 3 to keep its ticket alive, and one to give a
     * ticket up. See {@code docs/guarantees.md#fair-locks} and {@code docs/benchmarks.md}.
     *
     * @throws UnsupportedOperationException on a Redlock Warden
     */
    DistributedLock fairLock(String name);

    /** A task lock on {@code name}, for jobs that must run on one node and be skipped elsewhere. No I/O. */
    TaskLock task(String name);

    /**
     * A candidate in the leader election called {@code name}, with the default lease time: a leader
     * that dies is replaced within about one lease time. Creating one does no I/O; {@link
     * LeaderElection#start} starts campaigning. The election's lock is the lock called {@code name}:
     * do not use that lock for anything else.
     */
    LeaderElection leader(String name);

    /**
     * As {@link #leader(String)}, with {@code leaseTime} for the leader's lease: how soon a dead
     * leader is replaced, and how long a leader cut off from Redis keeps believing it leads.
     *
     * @throws IllegalArgumentException if {@code leaseTime} is under 1 ms or over 3650 days
     */
    LeaderElection leader(String name, Duration leaseTime);

    /** Operator views: inspect, list, force-unlock. */
    LockAdmin admin();

    /** A snapshot of this instance's counters. */
    WardenMetrics metrics();

    /**
     * Tells {@code listener} of this Warden's lock events from now on (see {@link WardenListener} for
     * the threads it is called on: it must be cheap and never block). Works on a Warden already in
     * use, so a metrics binder can attach to an application's existing instance. Adding the same
     * listener twice registers it once.
     */
    void addListener(WardenListener listener);

    /**
     * Stops telling {@code listener} of events; an event already in flight may still reach it.
     *
     * @return true if it was registered
     */
    boolean removeListener(WardenListener listener);

    /** The Redis endpoint, for messages. */
    String redisAddress();

    /** Releases held leases, stops the watchdog and closes owned connections. Idempotent. */
    @Override
    void close();

    /** Immutable-once-built configuration of a {@link Warden}. Every setting has a documented default. */
    final class Builder {
        private @Nullable RedisURI uri;
        private @Nullable RedisClient client;
        private List<RedisURI> clusterSeeds = List.of();
        private List<RedisURI> redlockNodes = List.of();
        private int replicaAcks;
        private Duration replicaAckTimeout = Duration.ZERO;
        private String keyPrefix = "warden";
        private Duration defaultLeaseTime = Duration.ofSeconds(30);
        private Duration defaultWait = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofSeconds(3);
        private boolean commandTimeoutSet;
        private int renewalsPerLease = 3;
        private boolean fencing = true;
        private FencingTokens fencingTokens = FencingTokens.CLOCK_FLOORED;
        private Backoff waitBackoff = Backoff.defaults();
        private LossPolicy lossPolicy = LossPolicy.INTERRUPT;
        private @Nullable Executor callbackExecutor;
        private boolean noticeForcedUnlock;
        private TlsSettings tls = TlsSettings.DEFAULT;
        private @Nullable String password;
        /**
         * For URIs given as text whose user info names no password ({@code redis://NAME@host}, which
         * Lettuce reads as a password): NAME, the user that {@link #password} logs in as. Keyed by
         * {@link #TARGET} or {@link #CLUSTER}; {@link #redlockUsers} holds those of Redlock nodes.
         */
        private final Map<String, @Nullable String> userOnly = new HashMap<>();

        private List<@Nullable String> redlockUsers = List.of();

        private static final String TARGET = "target";
        private static final String CLUSTER = "cluster";

        Builder() {}

        /**
         * The Redis to use: {@code redis://[user:password@]host[:port][/database]} ({@code rediss://}
         * for TLS); {@code redis-sentinel://[password@]host:port,host:port[/database]#masterName} for
         * the master a Sentinel group names (followed across failovers); or {@code
         * redis-cluster://[user:password@]host:port,host:port} ({@code rediss-cluster://} for TLS) for
         * a Redis Cluster, given by one or more seed nodes. Default {@code redis://localhost:6379}.
         * Replaces any earlier {@code uri}, {@code client} or {@code redlock} setting.
         */
        public Builder uri(String redisUri) {
            Objects.requireNonNull(redisUri, "redisUri");
            if (RedisUris.isCluster(redisUri)) {
                List<RedisURI> seeds = RedisUris.clusterSeeds(redisUri);
                clearTarget();
                this.clusterSeeds = seeds;
                this.userOnly.put(CLUSTER, RedisUris.userOnly(redisUri));
                return this;
            }
            RedisURI parsed;
            try {
                parsed = RedisURI.create(redisUri);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a Redis URI: '" + redisUri + "': " + e.getMessage(), e);
            }
            clearTarget();
            this.uri = parsed;
            this.userOnly.put(TARGET, RedisUris.userOnly(redisUri));
            return this;
        }

        /** The Redis to use, as a Lettuce {@link RedisURI} (standalone or Sentinel). */
        public Builder uri(RedisURI redisUri) {
            Objects.requireNonNull(redisUri, "redisUri");
            clearTarget();
            this.uri = redisUri;
            return this;
        }

        /**
         * Redlock: every lock lives on these independent masters (not replicas of each other, not one
         * Cluster), and an acquisition holds only when a majority granted it within a fraction of the
         * lease. Survives the loss of any minority of the nodes. Each acquisition costs a round trip to
         * every node plus one to make fencing tokens increase across them (see {@link
         * Lease#fencingToken()} and {@code docs/topologies.md} for the caveats). At least 3 nodes; an
         * odd number is best. Replaces any earlier {@code uri} or {@code client} setting.
         *
         * @param nodeUris {@code redis://host:port} of each master
         */
        public Builder redlock(List<String> nodeUris) {
            Objects.requireNonNull(nodeUris, "nodeUris");
            if (nodeUris.size() < 3) {
                throw new IllegalArgumentException("Redlock needs at least 3 independent masters, got "
                        + nodeUris.size() + ": with fewer, one node down stops every lock");
            }
            List<RedisURI> nodes = new ArrayList<>();
            List<@Nullable String> users = new ArrayList<>();
            for (String node : nodeUris) {
                Objects.requireNonNull(node, "node URI");
                if (RedisUris.isCluster(node) || node.startsWith("redis-sentinel")) {
                    throw new IllegalArgumentException(
                            "Redlock nodes must be standalone masters (redis://host:port), got '" + node + "'");
                }
                try {
                    nodes.add(RedisURI.create(node));
                    users.add(RedisUris.userOnly(node));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not a Redis URI: '" + node + "': " + e.getMessage(), e);
                }
            }
            clearTarget();
            this.redlockNodes = List.copyOf(nodes);
            this.redlockUsers = users;
            return this;
        }

        /** Same as {@link #redlock(List)}. */
        public Builder redlock(String... nodeUris) {
            return redlock(List.of(nodeUris));
        }

        /**
         * Opt-in replica acknowledgement: after each acquire, renewal and release, wait (Redis {@code
         * WAIT}) until {@code replicas} replicas of the master acknowledged the write, at most {@code
         * timeout}. An acquisition with fewer acknowledgements fails with {@link
         * RedisUnavailableException} and is released; a renewal with fewer counts as failed (retried
         * until the lease's deadline, then the lease is reported lost); a release with fewer is only
         * logged. This narrows the window in which a failover forgets a lock, but does not close it:
         * WAIT does not make Redis strongly consistent (see {@code docs/topologies.md}). Default 0
         * (off). Standalone and Sentinel only.
         *
         * @param timeout with {@code replicas > 0}: at least 1 ms (WAIT counts whole milliseconds, and 0
         *     would make it block forever), at most 1 day, and shorter than the {@link #commandTimeout}
         */
        public Builder replicaAcks(int replicas, Duration timeout) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must not be negative, got " + replicas);
            }
            Objects.requireNonNull(timeout, "timeout");
            if (replicas > 0 && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException(
                        "the replica acknowledgement timeout must be positive (0 would make WAIT block forever), got "
                                + timeout);
            }
            if (replicas > 0) {
                Durations.commandTimeoutNanos(timeout, "replica acknowledgement timeout");
            }
            this.replicaAcks = replicas;
            this.replicaAckTimeout = timeout;
            return this;
        }

        /**
         * Use an existing Lettuce client, created with its default URI ({@code RedisClient.create(uri)}).
         * Warden opens its own connections from it and leaves the client open on close.
         */
        public Builder client(RedisClient client) {
            Objects.requireNonNull(client, "client");
            clearTarget();
            this.client = client;
            return this;
        }

        /**
         * TLS connections ({@code rediss://}, {@code rediss-cluster://}) trust the CA certificates in
         * this PEM file instead of the JVM's trust store: for a private CA or a self-signed server
         * certificate. The server's host name is still checked against its certificate. Plain
         * connections ignore it.
         */
        public Builder tlsTrustedCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "pemFile");
            if (!Files.isReadable(pemFile)) {
                throw new IllegalArgumentException("cannot read the TLS certificate file '" + pemFile + "'");
            }
            this.tls = new TlsSettings(pemFile, tls.verifyPeer());
            return this;
        }

        /**
         * With {@code false}, TLS connections accept any server certificate: for tests only, as it
         * gives up all protection against an impostor. Default true.
         */
        public Builder tlsVerifyPeer(boolean verify) {
            this.tls = new TlsSettings(tls.trustedCertificates(), verify);
            return this;
        }

        /**
         * The password for every URI of this Builder (server, Sentinel master and sentinels, Cluster
         * seeds, Redlock nodes) that names none itself, with the URI's user name if it names one
         * ({@code redis://USER@host}); a URI that names its password keeps it. Keeps the password out
         * of URIs, which end up in logs, configuration and {@code ps}. Not used with {@link
         * #client(RedisClient)}.
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        private void clearTarget() {
            userOnly.clear();
            redlockUsers = List.of();
            uri = null;
            client = null;
            clusterSeeds = List.of();
            redlockNodes = List.of();
        }

        /**
         * Namespace for all keys, so applications sharing a Redis do not collide. Default {@code
         * warden}; keys look like {@code warden:{orders:42}}. Must not contain braces: Redis Cluster
         * hashes only the text between the first <code>'&#123;'</code> and the next
         * <code>'&#125;'</code>, and a brace in the prefix would move that hash tag, putting a lock's
         * keys in different slots.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isBlank() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException(
                        "key prefix must be non-blank and free of '{' and '}' (a brace would break the Redis Cluster"
                                + " hash tag that keeps each lock's keys in one slot), got '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * Lease time of acquisitions without an explicit one (they are watched). Default 30 s. At least
         * {@link LeaseOptions#MIN_LEASE_TIME 1 ms}, at most {@link LeaseOptions#MAX_LEASE_TIME 3650 days}
         * (ten years: a safe margin below where nanosecond deadline arithmetic and Redis PEXPIRE math
         * overflow).
         *
         * @throws NullPointerException if {@code leaseTime} is null
         * @throws IllegalArgumentException if under 1 ms (including zero and negative) or over 3650 days
         */
        public Builder defaultLeaseTime(Duration leaseTime) {
            Durations.leaseNanos(leaseTime, "default lease time", null);
            this.defaultLeaseTime = leaseTime;
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

        /**
         * How long any single Redis command may take before it fails (also the connect timeout, and
         * each question to a Sentinel). Default: the URI's own {@code timeout} parameter if it has
         * one ({@code redis://host?timeout=5s}), else 3 s; set here, it wins over the URI's. At least 1 ms, at most 1 day: Lettuce hands it to Netty as an {@code int} of
         * milliseconds, and a longer timeout is a hang.
         *
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if under 1 ms (including zero and negative) or over 1 day
         */
        public Builder commandTimeout(Duration timeout) {
            Durations.commandTimeoutNanos(timeout, "command timeout");
            this.commandTimeout = timeout;
            this.commandTimeoutSet = true;
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

        /**
         * How fencing tokens are minted. Default {@link FencingTokens#CLOCK_FLOORED}: tokens keep
         * increasing even after Redis loses its data, provided the Redis servers' clocks agree to
         * within the time a restart or failover takes; the tokens are large numbers (about 1.8 ×
         * 10<sup>15</sup>). {@link FencingTokens#COUNTER} gives small tokens (1, 2, 3, …) that repeat
         * after such a loss. Switching kinds keeps an existing counter: tokens jump up once, never
         * back. Has no effect with {@link #fencing(boolean) fencing(false)}.
         */
        public Builder fencingTokens(FencingTokens tokens) {
            this.fencingTokens = Objects.requireNonNull(tokens, "tokens");
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
         * Whether a watched lease listens for its lock's release messages while held, so that a
         * forced unlock ({@link LockAdmin#forceUnlock}) is noticed within about a round trip rather
         * than at the next renewal (a third of the lease). Default off: it costs a pub/sub
         * subscription per held lock (a SUBSCRIBE for a lock not used in the last second, and the
         * memory of one channel per lease on client and server), which a service holding thousands
         * of leases should not pay for an operator's rare action. The {@code warden} command turns it
         * on. Leases without the watchdog never listen.
         */
        public Builder noticeForcedUnlock(boolean enabled) {
            this.noticeForcedUnlock = enabled;
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
            if (target == null && client == null && clusterSeeds.isEmpty() && redlockNodes.isEmpty()) {
                target = RedisURI.create("redis://localhost:6379");
            }
            // The URI's own timeout counts for this build only: the builder is left as it was.
            Duration commandTimeout = target != null && !commandTimeoutSet
                    ? RedisUris.ownTimeout(target).orElse(this.commandTimeout)
                    : this.commandTimeout;
            Durations.commandTimeoutNanos(commandTimeout, "command timeout (the URI's timeout parameter)");
            if (target != null) {
                target = own(target, commandTimeout, userOnly.get(TARGET));
            }
            if (replicaAcks > 0 && !redlockNodes.isEmpty()) {
                throw new IllegalArgumentException(
                        "replicaAcks does not apply to Redlock: its nodes are independent masters without replicas");
            }
            if (replicaAcks > 0 && replicaAckTimeout.compareTo(commandTimeout) >= 0) {
                throw new IllegalArgumentException("the replica acknowledgement timeout (" + replicaAckTimeout
                        + ") must be shorter than the command timeout (" + commandTimeout
                        + "), or every WAIT would time out on the client first");
            }
            if (replicaAcks > 0 && !clusterSeeds.isEmpty()) {
                throw new IllegalArgumentException("replicaAcks is not supported on Redis Cluster yet:"
                        + " WAIT must follow each write on the node that owns its slot");
            }
            Connection connection = new Connection(
                    target,
                    client,
                    clusterSeeds.stream()
                            .map(s -> own(s, commandTimeout, userOnly.get(CLUSTER)))
                            .toList(),
                    redlockNodes(commandTimeout),
                    commandTimeout,
                    replicaAcks,
                    replicaAckTimeout,
                    tls);
            Settings settings = new Settings(
                    connection,
                    keyPrefix,
                    defaultLeaseTime,
                    defaultWait,
                    renewalsPerLease,
                    fencing,
                    waitBackoff,
                    lossPolicy,
                    callbackExecutor,
                    fencingTokens,
                    noticeForcedUnlock);
            return new ConnectedWarden(WardenCore.open(settings));
        }

        /**
         * A copy of {@code uri} for this build with its timeout, TLS and
         * password ({@code user}: the user name its text gave without a password).
         */
        private RedisURI own(RedisURI uri, Duration commandTimeout, @Nullable String user) {
            RedisURI owned = tls.applyTo(RedisUris.withTimeout(uri, commandTimeout));
            if (password == null) {
                return owned;
            }
            if (user != null) {
                owned.setAuthentication(user, password);
                return owned;
            }
            return RedisUris.withDefaultPassword(owned, password);
        }

        private List<RedisURI> redlockNodes(Duration commandTimeout) {
            List<RedisURI> owned = new ArrayList<>();
            for (int i = 0; i < redlockNodes.size(); i++) {
                RedisURI node = redlockNodes.get(i);
                owned.add(own(node, commandTimeout, i < redlockUsers.size() ? redlockUsers.get(i) : null));
            }
            return owned;
        }
    }
}
