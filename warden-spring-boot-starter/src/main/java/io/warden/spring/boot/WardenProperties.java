package io.warden.spring.boot;

import io.warden.FencingTokens;
import io.warden.LossPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code warden.*} settings of the auto-configured {@link io.warden.Warden}. Every setting left
 * unset keeps the default of {@link io.warden.Warden.Builder}, which its Javadoc states.
 *
 * <p>Where Redis is: {@code warden.uri}, or {@code warden.sentinel.*}, or {@code warden.cluster.nodes},
 * or {@code warden.redlock.nodes} (at most one of them). With none of them set and Spring Data Redis
 * configured, the application's {@code spring.data.redis.*} connection is used; with neither, {@code
 * redis://localhost:6379}.
 */
@ConfigurationProperties("warden")
public class WardenProperties {

    /**
     * Whether to auto-configure a Warden bean and the annotations. Off: @WardenLocked and @WardenTask
     * methods run without any lock.
     */
    private boolean enabled = true;

    /**
     * Redis URI: redis://[user:password@]host[:port][/database] (rediss:// for TLS),
     * redis-sentinel://host:port,host:port#masterName, or redis-cluster://host:port,host:port. Wins
     * over spring.data.redis.*.
     */
    private @Nullable String uri;

    /**
     * Redis username (ACL) for warden.sentinel.* and warden.cluster.nodes.
     */
    private @Nullable String username;

    /**
     * Redis password for warden.sentinel.* (the master's) and warden.cluster.nodes.
     */
    private @Nullable String password;

    /**
     * Whether to use TLS with warden.sentinel.* and warden.cluster.nodes.
     */
    private boolean ssl;

    /**
     * Namespace of every key Warden writes. Default "warden". No braces.
     */
    private @Nullable String keyPrefix;

    /**
     * Lease time of acquisitions without an explicit one (watched, renewed by the watchdog). Default
     * 30s.
     */
    private @Nullable Duration leaseTime;

    /**
     * How long an acquisition without an explicit wait waits. Default 30s.
     */
    private @Nullable Duration waitTime;

    /**
     * How long one Redis command may take (also the connect timeout). Default: the URI's timeout
     * parameter, else spring.data.redis.timeout when that connection is used, else 3s.
     */
    private @Nullable Duration commandTimeout;

    /**
     * Whether acquisitions mint fencing tokens. Default true.
     */
    private @Nullable Boolean fencing;

    /**
     * How fencing tokens are minted: CLOCK_FLOORED (default) or COUNTER.
     */
    private @Nullable FencingTokens fencingTokens;

    /**
     * How many times per lease the watchdog renews it. Default 3; at least 2.
     */
    private @Nullable Integer renewalsPerLease;

    /**
     * What guarded execution does to a task whose lease is lost: INTERRUPT (default) or NOTIFY.
     */
    private @Nullable LossPolicy lossPolicy;

    private final Sentinel sentinel = new Sentinel();

    private final Cluster cluster = new Cluster();

    private final Redlock redlock = new Redlock();

    private final ReplicaAcks replicaAcks = new ReplicaAcks();

    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getUri() {
        return uri;
    }

    public void setUri(@Nullable String uri) {
        this.uri = uri;
    }

    public @Nullable String getUsername() {
        return username;
    }

    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    public @Nullable String getPassword() {
        return password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    public boolean isSsl() {
        return ssl;
    }

    public void setSsl(boolean ssl) {
        this.ssl = ssl;
    }

    public @Nullable String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(@Nullable String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    public @Nullable Duration getLeaseTime() {
        return leaseTime;
    }

    public void setLeaseTime(@Nullable Duration leaseTime) {
        this.leaseTime = leaseTime;
    }

    public @Nullable Duration getWaitTime() {
        return waitTime;
    }

    public void setWaitTime(@Nullable Duration waitTime) {
        this.waitTime = waitTime;
    }

    public @Nullable Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(@Nullable Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public @Nullable Boolean getFencing() {
        return fencing;
    }

    public void setFencing(@Nullable Boolean fencing) {
        this.fencing = fencing;
    }

    public @Nullable FencingTokens getFencingTokens() {
        return fencingTokens;
    }

    public void setFencingTokens(@Nullable FencingTokens fencingTokens) {
        this.fencingTokens = fencingTokens;
    }

    public @Nullable Integer getRenewalsPerLease() {
        return renewalsPerLease;
    }

    public void setRenewalsPerLease(@Nullable Integer renewalsPerLease) {
        this.renewalsPerLease = renewalsPerLease;
    }

    public @Nullable LossPolicy getLossPolicy() {
        return lossPolicy;
    }

    public void setLossPolicy(@Nullable LossPolicy lossPolicy) {
        this.lossPolicy = lossPolicy;
    }

    public Sentinel getSentinel() {
        return sentinel;
    }

    public Cluster getCluster() {
        return cluster;
    }

    public Redlock getRedlock() {
        return redlock;
    }

    public ReplicaAcks getReplicaAcks() {
        return replicaAcks;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** A master found through Redis Sentinel. */
    public static class Sentinel {
        /**
         * Name of the master the Sentinels watch.
         */
        private @Nullable String master;

        /**
         * Sentinel nodes, as host:port.
         */
        private List<String> nodes = new ArrayList<>();

        /**
         * Password of the Sentinel nodes themselves (warden.password is the master's).
         */
        private @Nullable String password;

        /**
         * Database index on the master.
         */
        private int database;

        public @Nullable String getMaster() {
            return master;
        }

        public void setMaster(@Nullable String master) {
            this.master = master;
        }

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }

        public @Nullable String getPassword() {
            return password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        public int getDatabase() {
            return database;
        }

        public void setDatabase(int database) {
            this.database = database;
        }
    }

    /** A Redis Cluster, given by seed nodes. */
    public static class Cluster {
        /**
         * Seed nodes, as host:port; the rest of the cluster is discovered.
         */
        private List<String> nodes = new ArrayList<>();

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }

    /** Redlock over independent masters. */
    public static class Redlock {
        /**
         * URIs of at least 3 independent masters (redis://host:port each).
         */
        private List<String> nodes = new ArrayList<>();

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }

    /** Opt-in replica acknowledgement (Redis WAIT) after each write. */
    public static class ReplicaAcks {
        /**
         * Replicas that must acknowledge each acquire, renewal and release. Default 0 (off).
         */
        private int count;

        /**
         * How long to wait for them; must be shorter than the command timeout. Default 100ms.
         */
        private Duration timeout = Duration.ofMillis(100);

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            this.count = count;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Micrometer meters of the Warden bean (see io.warden.micrometer.WardenMeterBinder). */
    public static class Metrics {
        /**
         * Whether to bind Warden's meters (warden.lock.acquire, warden.task, ...) to every Micrometer
         * registry of the application. Needs Micrometer on the class path (Actuator brings it).
         */
        private boolean enabled = true;

        /**
         * Whether to tag meters with the lock's name ("lock" tag). Off by default: every distinct name
         * makes new time series, so turn it on only for a small, fixed set of names, never for names
         * that embed an id (invoice:42).
         */
        private boolean lockNameTags;

        /**
         * Whether to publish percentile histograms of the warden.lock.acquire and warden.lock.held
         * timers. Off by default: each histogram adds dozens of time series per timer.
         */
        private boolean percentileHistograms;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isLockNameTags() {
            return lockNameTags;
        }

        public void setLockNameTags(boolean lockNameTags) {
            this.lockNameTags = lockNameTags;
        }

        public boolean isPercentileHistograms() {
            return percentileHistograms;
        }

        public void setPercentileHistograms(boolean percentileHistograms) {
            this.percentileHistograms = percentileHistograms;
        }
    }
}
