package io.warden.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One Redis master with its replicas (1 by default), watched by Redis Sentinels (3 by default, quorum a
 * majority of them), all local processes: the data nodes are plain {@link RedisServer}s, made replicas
 * with {@code REPLICAOF}; each sentinel is a {@code redis-server CONFIG --sentinel} {@link RedisServer}
 * with its own config file, which it rewrites as it learns. Sentinels declare the master down after 1 s
 * ({@link Builder#downAfter}) and give a failover 5 s ({@link Builder#failoverTimeout}), so an automatic
 * failover takes a few seconds. {@link Builder#start()} returns once the replicas' links are up and every
 * sentinel names the master, knows the other sentinels and sees every replica, connected and not down.
 *
 * <p>{@link #master()} and {@link #replicas()} follow failovers, as sentinels report them. Kill or pause
 * a data node or a sentinel with the controls of {@link RedisServer}; a sentinel also answers {@link
 * RedisServer#command} and {@link RedisServer#info}, but not the data methods. A restarted replica comes
 * back as a master (no config file records {@code REPLICAOF}) until the sentinels turn it into a replica
 * again.
 *
 * <p>Does not guarantee how fast sentinels notice a failure or agree on a new master on a loaded machine
 * (use {@link #awaitFailover} with a generous deadline), nor that a write reached a replica before the
 * master is killed (send {@code WAIT} for that). Waits that run out throw {@link AssertionError}, as
 * {@link Await} does, saying what was last seen. Thread-safe; {@link #close()} stops every process, and a
 * process left running by an aborted test is killed by the test kit's shutdown hook.
 */
public final class SentinelGroup implements AutoCloseable {

    /** The master name sentinels monitor unless {@link Builder#masterName} says otherwise. */
    public static final String DEFAULT_MASTER_NAME = "warden-master";

    private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

    private final String masterName;
    private final List<RedisServer> dataNodes;
    private final List<RedisServer> sentinels;
    private final Map<Integer, RedisServer> dataByPort = new HashMap<>();
    private boolean closed;

    private SentinelGroup(String masterName, List<RedisServer> dataNodes, List<RedisServer> sentinels) {
        this.masterName = masterName;
        this.dataNodes = List.copyOf(dataNodes);
        this.sentinels = List.copyOf(sentinels);
        dataNodes.forEach(node -> dataByPort.put(node.port(), node));
    }

    /** Starts a master, one replica and three sentinels with the default settings. */
    public static SentinelGroup start() {
        return builder().start();
    }

    /** A builder for a group with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code redis-sentinel://127.0.0.1:PORT1,127.0.0.1:PORT2,...#MASTER_NAME}, listing every sentinel, in
     * the form Lettuce's {@code RedisURI} reads.
     */
    public String uri() {
        return "redis-sentinel://"
                + sentinels.stream().map(s -> s.host() + ":" + s.port()).collect(Collectors.joining(","))
                + "#" + masterName;
    }

    /** The name the sentinels monitor the master under. */
    public String masterName() {
        return masterName;
    }

    /** The sentinels, in start order. */
    public List<RedisServer> sentinels() {
        return sentinels;
    }

    /** The data nodes as started: the first master, then the replicas; roles may change since. */
    public List<RedisServer> dataNodes() {
        return dataNodes;
    }

    /**
     * The data node the sentinels currently name as master ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}); if
     * they disagree, as during a failover, the one most of the answering sentinels name. It may be down.
     *
     * @throws IllegalStateException if no sentinel answers
     */
    public RedisServer master() {
        Map<Integer, Integer> votes = votes();
        int port = votes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException("no sentinel of " + this + " answers"));
        return dataNodeAt(port);
    }

    /** The data nodes other than {@link #master()}, in start order, whether they run or not. */
    public List<RedisServer> replicas() {
        RedisServer master = master();
        return dataNodes.stream().filter(node -> node != master).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Waits until a majority of all sentinels name a master other than {@code oldMaster} and that node
     * reports {@code role:master}; returns it. Does not wait for the other data nodes to follow it.
     *
     * @throws AssertionError after {@code timeout}, saying what the sentinels named last
     */
    public RedisServer awaitFailover(RedisServer oldMaster, Duration timeout) {
        if (!dataNodes.contains(oldMaster)) {
            throw new IllegalArgumentException(oldMaster + " is not a data node of " + this);
        }
        int majority = sentinels.size() / 2 + 1;
        AtomicReference<RedisServer> promoted = new AtomicReference<>();
        Polling.until(
                majority + " sentinels of " + this + " name a master other than " + oldMaster.port()
                        + " and it has role:master",
                timeout,
                () -> {
                    Map<Integer, Integer> votes = votes();
                    for (Map.Entry<Integer, Integer> vote : votes.entrySet()) {
                        if (vote.getKey() != oldMaster.port() && vote.getValue() >= majority) {
                            RedisServer candidate = dataNodeAt(vote.getKey());
                            String role = candidate.info("replication").get("role");
                            if (!"master".equals(role)) {
                                return "sentinels name " + candidate.port() + ", which has role:" + role;
                            }
                            promoted.set(candidate);
                            return null;
                        }
                    }
                    return "sentinels name " + votes + " (port: sentinels)";
                });
        return promoted.get();
    }

    /**
     * A manual failover: {@code SENTINEL FAILOVER}, then waits until a majority of sentinels name another
     * data node as master and that node has {@code role:master} (as {@link #awaitFailover}), and then until
     * the group is whole again: every running data node replicates from the new master with its link up,
     * and every running sentinel names the new master and sees those replicas. Sentinels leave the old
     * master claiming {@code role:master} for some 10 s before they turn it into a replica; this method
     * sends it that {@code REPLICAOF} itself, at once. Returns the new master.
     *
     * @throws AssertionError if that takes longer than a minute
     */
    public RedisServer failover() {
        RedisServer old = master();
        Polling.until("a sentinel of " + this + " starts a failover", FAILOVER_TIMEOUT, () -> {
            String refusal = "no sentinel runs";
            for (RedisServer sentinel : sentinels) {
                if (!sentinel.isRunning()) {
                    continue;
                }
                try {
                    sentinel.command("SENTINEL", "FAILOVER", masterName);
                    return null;
                } catch (RedisReplyException e) {
                    if (e.reply().startsWith("INPROG")) {
                        return null; // One is under way already; wait for it like for ours.
                    }
                    refusal = sentinel.port() + " answers " + e.reply(); // NOGOODSLAVE: no replica is ready yet
                }
            }
            return refusal;
        });
        RedisServer fresh = awaitFailover(old, FAILOVER_TIMEOUT);
        if (old.isRunning()) {
            // Sentinels turn a former master that still claims the role into a replica only after watching
            // it for 8 to 20 s; send it the same REPLICAOF now.
            Polling.until(old.port() + " replicates " + fresh.port(), FAILOVER_TIMEOUT, () -> {
                if ("master".equals(old.info("replication").get("role"))) {
                    old.command("REPLICAOF", fresh.host(), Integer.toString(fresh.port()));
                }
                return null;
            });
        }
        awaitSettled(fresh, FAILOVER_TIMEOUT);
        return fresh;
    }

    /** Stops the sentinels, then the replicas, then the master, even if stopping one fails. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RedisServer> all = new ArrayList<>(sentinels);
        all.addAll(dataNodes.subList(1, dataNodes.size()));
        all.add(dataNodes.get(0));
        Topology.closeAll(all);
    }

    @Override
    public String toString() {
        return "SentinelGroup[" + uri() + "]";
    }

    private void awaitSettled(RedisServer master, Duration timeout) {
        Polling.until(this + " settles on master " + master.port(), timeout, () -> settleProblem(master));
    }

    /** Null once {@code master} and every running replica and sentinel agree on the setup, else what does not. */
    private String settleProblem(RedisServer master) {
        String role = master.info("replication").get("role");
        if (!"master".equals(role)) {
            return master.port() + " has role:" + role;
        }
        List<RedisServer> replicas = new ArrayList<>();
        for (RedisServer node : dataNodes) {
            if (node == master || !node.isRunning()) {
                continue;
            }
            replicas.add(node);
            Map<String, String> replication = node.info("replication");
            if (!"slave".equals(replication.get("role"))
                    || !Integer.toString(master.port()).equals(replication.get("master_port"))
                    || !"up".equals(replication.get("master_link_status"))) {
                return node.port() + " reports role:" + replication.get("role") + " master_port:"
                        + replication.get("master_port") + " master_link_status:"
                        + replication.get("master_link_status");
            }
        }
        for (RedisServer sentinel : sentinels) {
            if (!sentinel.isRunning()) {
                continue;
            }
            int named = namedPort(sentinel);
            if (named != master.port()) {
                return "sentinel " + sentinel.port() + " names " + named;
            }
            Map<String, String> state = fields(sentinel.command("SENTINEL", "MASTER", masterName));
            if (!"master".equals(state.get("flags"))
                    || !Integer.toString(sentinels.size() - 1).equals(state.get("num-other-sentinels"))) {
                return "sentinel " + sentinel.port() + " reports flags " + state.get("flags") + ", num-other-sentinels "
                        + state.get("num-other-sentinels");
            }
            Map<String, Map<String, String>> known = new HashMap<>();
            for (Object replica : (List<?>) sentinel.command("SENTINEL", "REPLICAS", masterName)) {
                Map<String, String> replicaFields = fields(replica);
                known.put(replicaFields.get("port"), replicaFields);
            }
            for (RedisServer replica : replicas) {
                // Only connected and not down: what a replica reports (its link, its master) reaches the
                // sentinels with their next INFO, up to 10 s later; the replica itself said so above.
                Map<String, String> seen = known.get(Integer.toString(replica.port()));
                if (seen == null || !"slave".equals(seen.get("flags"))) {
                    return "sentinel " + sentinel.port() + " sees replica " + replica.port() + " as " + seen;
                }
            }
        }
        return null;
    }

    /** For each port some running sentinel names as master: how many name it, in sentinel order. */
    private Map<Integer, Integer> votes() {
        Map<Integer, Integer> votes = new LinkedHashMap<>();
        for (RedisServer sentinel : sentinels) {
            if (!sentinel.isRunning()) {
                continue;
            }
            try {
                votes.merge(namedPort(sentinel), 1, Integer::sum);
            } catch (RuntimeException e) {
                // Not answering (paused, just killed): it has no say.
            }
        }
        return votes;
    }

    private int namedPort(RedisServer sentinel) {
        List<?> address = (List<?>) sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        if (address == null) {
            throw new IllegalStateException("sentinel " + sentinel.port() + " does not know " + masterName);
        }
        return Integer.parseInt((String) address.get(1));
    }

    private RedisServer dataNodeAt(int port) {
        RedisServer node = dataByPort.get(port);
        if (node == null) {
            throw new IllegalStateException("sentinels name port " + port + ", which is not a data node of " + this);
        }
        return node;
    }

    /** A flat field/value array reply as a map. */
    private static Map<String, String> fields(Object reply) {
        List<?> flat = (List<?>) reply;
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return fields;
    }

    /** Settings for a {@link SentinelGroup}; each {@link #start()} starts a new, independent group. */
    public static final class Builder {
        private int replicas = 1;
        private int sentinels = 3;
        private String masterName = DEFAULT_MASTER_NAME;
        private Duration downAfter = Duration.ofMillis(1000);
        private Duration failoverTimeout = Duration.ofMillis(5000);
        private RedisBinary binary;
        private final Map<String, String> args = new LinkedHashMap<>();

        private Builder() {}

        /** The number of replicas; default 1. Without one there is nothing to fail over to. */
        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** The number of sentinels; default 3. The quorum is a majority of them. */
        public Builder sentinels(int sentinels) {
            if (sentinels < 1) {
                throw new IllegalArgumentException("sentinels " + sentinels);
            }
            this.sentinels = sentinels;
            return this;
        }

        /** The name sentinels monitor the master under; default {@value SentinelGroup#DEFAULT_MASTER_NAME}. */
        public Builder masterName(String masterName) {
            if (!MASTER_NAME.matcher(masterName).matches()) {
                throw new IllegalArgumentException("master name '" + masterName + "'");
            }
            this.masterName = masterName;
            return this;
        }

        /** {@code sentinel down-after-milliseconds}: silence before a node counts as down; default 1 s. */
        public Builder downAfter(Duration downAfter) {
            this.downAfter = positiveMillis(downAfter, "downAfter");
            return this;
        }

        /** {@code sentinel failover-timeout}; default 5 s. A failed election is retried after twice this. */
        public Builder failoverTimeout(Duration failoverTimeout) {
            this.failoverTimeout = positiveMillis(failoverTimeout, "failoverTimeout");
            return this;
        }

        /** The binary of every data node and sentinel; by default {@link RedisBinary#find()}. */
        public Builder binary(RedisBinary binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        /** An extra config directive for every data node (not the sentinels); see {@link RedisServer.Builder#arg}. */
        public Builder arg(String name, String value) {
            String bare = name.startsWith("--") ? name.substring(2) : name;
            args.put(bare, Objects.requireNonNull(value));
            return this;
        }

        /**
         * Starts the data nodes, then the sentinels, and returns once they agree (see {@link SentinelGroup});
         * if that fails, stops everything it started before throwing.
         */
        public SentinelGroup start() {
            RedisBinary chosen = binary != null ? binary : RedisBinary.find();
            // Redis 7 waits 5 s by default before a diskless full sync, in case more replicas come.
            RedisServer.Builder data = RedisServer.builder().binary(chosen).arg("repl-diskless-sync-delay", "0");
            args.forEach(data::arg);
            List<RedisServer> started = new ArrayList<>();
            try {
                started.addAll(Topology.startAll(1 + replicas, i -> data.start()));
                RedisServer master = started.get(0);
                for (RedisServer replica : started.subList(1, started.size())) {
                    replica.command("REPLICAOF", master.host(), Integer.toString(master.port()));
                }
                // In sync before the sentinels come, so that their first look finds the replicas healthy.
                Polling.until("the replicas of " + master + " are in sync", START_TIMEOUT, () -> {
                    for (RedisServer replica : started.subList(1, started.size())) {
                        String link = replica.info("replication").get("master_link_status");
                        if (!"up".equals(link)) {
                            return replica.port() + " has master_link_status:" + link;
                        }
                    }
                    return null;
                });
                RedisServer.Builder sentinel =
                        RedisServer.builder().binary(chosen).sentinel(sentinelConfig(master));
                List<RedisServer> dataNodes = List.copyOf(started);
                started.addAll(0, Topology.startAll(sentinels, i -> sentinel.start()));
                SentinelGroup group = new SentinelGroup(masterName, dataNodes, started.subList(0, sentinels));
                group.awaitSettled(master, START_TIMEOUT);
                return group;
            } catch (RuntimeException | Error e) {
                try {
                    Topology.closeAll(started);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        private String sentinelConfig(RedisServer master) {
            return String.join(
                    "\n",
                    "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " "
                            + (sentinels / 2 + 1),
                    "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis(),
                    "sentinel failover-timeout " + masterName + " " + failoverTimeout.toMillis(),
                    "sentinel parallel-syncs " + masterName + " 1");
        }

        private static Duration positiveMillis(Duration duration, String name) {
            if (duration.toMillis() < 1) {
                throw new IllegalArgumentException(name + " " + duration);
            }
            return duration;
        }
    }
}
