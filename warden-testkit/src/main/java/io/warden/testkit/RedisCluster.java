package io.warden.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Redis Cluster of local redis-server processes, each a {@link RedisServer} started with {@code
 * cluster-enabled yes}, its own {@code nodes.conf} in its directory and {@code cluster-node-timeout} 1000
 * ms by default, so a killed master's replica takes over within a few seconds. The cluster is formed with
 * plain {@code CLUSTER} commands (no redis-cli), so it works with Redis 6.2 and 7.x alike. The 16384 slots
 * are split evenly over the masters, in order; every master gets the same number of replicas. {@link
 * Builder#start()} returns only once every node reports {@code cluster_state:ok} and the planned slot map
 * (all 16384 slots, masters and replicas), and every replica's link to its master is up.
 *
 * <p>Topology queries ({@link #masters()}, {@link #masterOf}, {@link #replicasOf}) ask the first node in
 * {@link #nodes()} order whose process runs, so they follow failovers and migrations; they see that node's
 * view, which can briefly lag behind the others' unless {@link #awaitHealthy} or {@link #migrateSlot}
 * has just waited for agreement. Fault controls: {@link #killMasterOf} lets the cluster fail over on its
 * own, {@link #migrateSlot} moves a slot while clients use it, and each node has the controls of {@link
 * RedisServer} (pause, restart, ...).
 *
 * <p>Does not guarantee how fast the cluster fails over or converges on a loaded machine (wait with
 * {@link #awaitHealthy} and a generous deadline), nor that a write reached a replica before its master is
 * killed (send {@code WAIT} for that). Every node's cluster bus listens on its port + 10000, so node ports
 * are at most 55535. Waits that run out throw {@link AssertionError}, as {@link Await} does, saying what
 * was last seen. Thread-safe; {@link #close()} stops every node, and a node left running by an aborted
 * test is killed by the test kit's shutdown hook like any {@link RedisServer}.
 */
public final class RedisCluster implements AutoCloseable {

    /** The number of hash slots. */
    public static final int SLOTS = 16384;

    private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(1000);
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration AGREE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIGRATE_TIMEOUT = Duration.ofSeconds(10);
    private static final int MIGRATE_BATCH = 100;
    private static final int SETSLOT_ATTEMPTS = 5;

    private final List<RedisServer> nodes;
    private final Map<Integer, RedisServer> byPort = new HashMap<>();
    private final Map<RedisServer, String> ids = new HashMap<>();
    private boolean closed;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
        for (RedisServer node : nodes) {
            byPort.put(node.port(), node);
            ids.put(node, (String) node.command("CLUSTER", "MYID"));
        }
    }

    /** Starts a cluster of 3 masters without replicas, with the default settings. */
    public static RedisCluster start() {
        return builder().start();
    }

    /** A builder for a cluster with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The hash slot of {@code key}, computed here as Redis does: CRC16 (XMODEM) of the key's UTF-8 bytes
     * mod 16384, or only of its hash tag: what lies between the first opening brace and the first closing
     * brace after it, if that is not empty ({@code "a{b}c{d}"} hashes {@code "b"}; {@code "{}x"}, all of
     * itself).
     */
    public static int slotOf(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                return crc16(bytes, open + 1, close) % SLOTS;
            }
        }
        return crc16(bytes, 0, bytes.length) % SLOTS;
    }

    /** Every node as started: the masters first, then the replicas grouped by master; roles may change since. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * The current masters, in {@link #nodes()} order, leaving out those whose process is down and those the
     * cluster has flagged as failed.
     */
    public List<RedisServer> masters() {
        List<ClusterNode> view = askLiveNode(RedisCluster::clusterNodes);
        return inNodeOrder(view.stream()
                .filter(n -> n.flags().contains("master") && n.healthy())
                .map(n -> byPort.get(n.port())));
    }

    /**
     * The current replicas of {@code master}, in {@link #nodes()} order, leaving out those whose process is
     * down and those the cluster has flagged as failed.
     */
    public List<RedisServer> replicasOf(RedisServer master) {
        String masterId = idOf(master);
        List<ClusterNode> view = askLiveNode(RedisCluster::clusterNodes);
        return inNodeOrder(view.stream()
                .filter(n -> n.flags().contains("slave")
                        && n.healthy()
                        && n.masterId().equals(masterId))
                .map(n -> byPort.get(n.port())));
    }

    /** {@code redis-cluster://127.0.0.1:PORT1,127.0.0.1:PORT2,...}, listing every node. */
    public String uri() {
        return "redis-cluster://"
                + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
    }

    /** {@code redis://127.0.0.1:PORT} of every node, in {@link #nodes()} order. */
    public List<String> nodeUris() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.toUnmodifiableList());
    }

    /** The master that owns the slot of {@code key} in the current slot map. */
    public RedisServer masterOf(String key) {
        return masterOfSlot(slotOf(key));
    }

    /**
     * The master that owns {@code slot} in the current slot map, even if that master is down and not yet
     * replaced.
     *
     * @throws IllegalStateException if no master owns the slot
     */
    public RedisServer masterOfSlot(int slot) {
        checkSlot(slot);
        List<SlotRange> map = askLiveNode(RedisCluster::slotMap);
        for (SlotRange range : map) {
            if (range.contains(slot)) {
                return serverAt(range.masterPort());
            }
        }
        throw new IllegalStateException("no master owns slot " + slot + " in " + map);
    }

    /**
     * Sends one command ({@code args}, the command name first) to the master owning the slot of {@code key},
     * which only chooses the node. Follows one {@code MOVED} (stale slot map) or {@code ASK} (slot being
     * migrated) redirect, as a cluster client would; does not retry {@code TRYAGAIN} or {@code CLUSTERDOWN}.
     */
    public Object command(String key, String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        try {
            return masterOf(key).command(args);
        } catch (RedisReplyException e) {
            String[] words = e.reply().split(" ");
            if (words.length != 3 || !(words[0].equals("MOVED") || words[0].equals("ASK"))) {
                throw e;
            }
            RedisServer target = serverAt(Integer.parseInt(words[2].substring(words[2].lastIndexOf(':') + 1)));
            if (words[0].equals("MOVED")) {
                return target.command(args);
            }
            try (RespClient client = RespClient.connect(target.host(), target.port(), RespClient.DEFAULT_TIMEOUT)) {
                client.command("ASKING");
                return client.command(args);
            }
        }
    }

    /**
     * Waits until every node whose process runs reports {@code cluster_state:ok}, and they all agree on a
     * slot map in which every slot's master runs. A paused node counts as running, so it makes this wait
     * time out.
     *
     * @throws AssertionError after {@code timeout}, saying what was last seen
     */
    public void awaitHealthy(Duration timeout) {
        Polling.until("cluster " + uri() + " is healthy", timeout, this::healthProblem);
    }

    /**
     * Kills (SIGKILL) the master owning the slot of {@code key} and returns it. Its replica takes over once
     * the other masters agree it failed, about two node timeouts later (follow with {@link #awaitHealthy});
     * without a replica the cluster stays down until the node is restarted.
     */
    public RedisServer killMasterOf(String key) {
        RedisServer master = masterOf(key);
        master.kill();
        return master;
    }

    /**
     * Moves {@code slot}, with its keys, from its current master to the master {@code target}, the way
     * {@code redis-cli --cluster reshard} does: {@code SETSLOT IMPORTING} on the target, {@code SETSLOT
     * MIGRATING} on the source, {@code MIGRATE ... KEYS} in batches (without {@code REPLACE}) until the source
     * holds no key of the slot, then {@code SETSLOT NODE} on the target, the source and every other master.
     * Returns once every running node maps the slot to the target. Safe while clients use the slot: during
     * the move the source answers {@code ASK} for keys it no longer holds (new keys go to the target), and
     * a key still on the source when a client writes it is moved by a later batch. Does nothing if the
     * target owns the slot already. Not for a slot another migration has left half-done.
     *
     * @throws IllegalArgumentException if {@code target} is not a current master
     * @throws RedisReplyException if a step fails (for example {@code BUSYKEY} when a key exists on both
     *     nodes); the slot is then left half-migrated, as with redis-cli
     */
    public void migrateSlot(int slot, RedisServer target) {
        migrate(slot, target, Duration.ZERO);
    }

    /**
     * Like {@link #migrateSlot}, but moves one key at a time and sleeps {@code pausePerKey} after each, so a
     * test can act while the slot is half-migrated (some keys on the source, some on the target).
     */
    public void migrateSlotSlowly(int slot, RedisServer target, Duration pausePerKey) {
        if (pausePerKey.isNegative()) {
            throw new IllegalArgumentException("pausePerKey " + pausePerKey);
        }
        migrate(slot, target, pausePerKey);
    }

    /** Stops every node (SIGTERM, SIGKILL after a grace period), even if stopping one fails. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Topology.closeAll(nodes);
    }

    @Override
    public String toString() {
        return "RedisCluster[" + uri() + "]";
    }

    private void form(int masterCount, int replicasPerMaster) {
        // Distinct config epochs, set before the nodes meet, spare the masters an epoch collision round.
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < masterCount; i++) {
            int first = i * SLOTS / masterCount;
            int last = (i + 1) * SLOTS / masterCount - 1;
            // ADDSLOTS, not ADDSLOTSRANGE, which Redis 6.2 lacks.
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = first; slot <= last; slot++) {
                command.add(Integer.toString(slot));
            }
            nodes.get(i).command(command.toArray(String[]::new));
            List<Integer> replicaPorts = new ArrayList<>();
            for (int r = 0; r < replicasPerMaster; r++) {
                replicaPorts.add(
                        replicaOfPlan(masterCount, replicasPerMaster, i, r).port());
            }
            expected.add(new SlotRange(first, last, nodes.get(i).port(), sorted(replicaPorts)).toString());
        }
        RedisServer first = nodes.get(0);
        for (RedisServer node : nodes.subList(1, nodes.size())) {
            first.command("CLUSTER", "MEET", node.host(), Integer.toString(node.port()));
        }
        Polling.until("every node of " + this + " knows every other", FORM_TIMEOUT, this::acquaintanceProblem);
        for (int i = 0; i < masterCount; i++) {
            String masterId = idOf(nodes.get(i));
            for (int r = 0; r < replicasPerMaster; r++) {
                RedisServer replica = replicaOfPlan(masterCount, replicasPerMaster, i, r);
                // Retried until the replica has heard of its master through gossip ("ERR Unknown node").
                Polling.until(replica + " replicates " + nodes.get(i), FORM_TIMEOUT, () -> {
                    replica.command("CLUSTER", "REPLICATE", masterId);
                    return null;
                });
            }
        }
        Polling.until(this + " is formed", FORM_TIMEOUT, () -> formProblem(expected));
    }

    private RedisServer replicaOfPlan(int masterCount, int replicasPerMaster, int master, int replica) {
        return nodes.get(masterCount + master * replicasPerMaster + replica);
    }

    private String acquaintanceProblem() {
        for (RedisServer node : nodes) {
            List<ClusterNode> view = clusterNodes(node);
            if (view.size() != nodes.size()) {
                return node.port() + " knows " + view.size() + " nodes";
            }
            for (ClusterNode known : view) {
                if (known.flags().contains("handshake")
                        || known.flags().contains("noaddr")
                        || !known.linkState().equals("connected")
                        || !byPort.containsKey(known.port())) {
                    return node.port() + " sees " + known;
                }
            }
        }
        return null;
    }

    private String formProblem(List<String> expected) {
        for (RedisServer node : nodes) {
            Map<String, String> info = clusterInfo(node);
            if (!"ok".equals(info.get("cluster_state"))
                    || !Integer.toString(SLOTS).equals(info.get("cluster_slots_assigned"))
                    || !Integer.toString(nodes.size()).equals(info.get("cluster_known_nodes"))) {
                return node.port() + " reports " + info;
            }
            List<String> seen = slotMap(node).stream().map(SlotRange::toString).collect(Collectors.toList());
            if (!seen.equals(expected)) {
                return node.port() + " sees slot map " + seen + ", planned " + expected;
            }
        }
        for (RedisServer node : nodes) {
            Map<String, String> replication = node.info("replication");
            if (replication.get("role").equals("slave") && !"up".equals(replication.get("master_link_status"))) {
                return node.port() + " has master_link_status:" + replication.get("master_link_status");
            }
        }
        return null;
    }

    private String healthProblem() {
        List<String> agreed = null;
        RedisServer agreedBy = null;
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            String state = clusterInfo(node).get("cluster_state");
            if (!"ok".equals(state)) {
                return node.port() + " reports cluster_state:" + state;
            }
            List<SlotRange> map = slotMap(node);
            String gap = coverageProblem(map);
            if (gap != null) {
                return node.port() + " sees " + gap;
            }
            List<String> owners = map.stream().map(SlotRange::ownerString).collect(Collectors.toList());
            if (agreed == null) {
                agreed = owners;
                agreedBy = node;
            } else if (!owners.equals(agreed)) {
                return node.port() + " sees " + owners + " but " + agreedBy.port() + " sees " + agreed;
            }
        }
        return agreed == null ? "no node runs" : null;
    }

    /** Null if {@code map} covers every slot with a running master, else what is missing. */
    private String coverageProblem(List<SlotRange> map) {
        int next = 0;
        for (SlotRange range : map) {
            if (range.start() != next) {
                return "slots " + next + "-" + (range.start() - 1) + " without a master";
            }
            RedisServer master = byPort.get(range.masterPort());
            if (master == null || !master.isRunning()) {
                return "slots " + range.start() + "-" + range.end() + " on " + range.masterPort() + ", which is down";
            }
            next = range.end() + 1;
        }
        return next == SLOTS ? null : "slots " + next + "-" + (SLOTS - 1) + " without a master";
    }

    private void migrate(int slot, RedisServer target, Duration pausePerKey) {
        checkSlot(slot);
        if (!masters().contains(target)) {
            throw new IllegalArgumentException(target + " is not a master of " + this);
        }
        RedisServer source = masterOfSlot(slot);
        if (source == target) {
            return;
        }
        String number = Integer.toString(slot);
        String targetId = idOf(target);
        target.command("CLUSTER", "SETSLOT", number, "IMPORTING", idOf(source));
        source.command("CLUSTER", "SETSLOT", number, "MIGRATING", targetId);
        moveKeys(slot, source, target, pausePerKey);
        // The target first, so that it owns the slot before the source starts answering MOVED to it.
        target.command("CLUSTER", "SETSLOT", number, "NODE", targetId);
        for (int attempt = 1; ; attempt++) {
            try {
                source.command("CLUSTER", "SETSLOT", number, "NODE", targetId);
                break;
            } catch (RedisReplyException e) {
                // "still hold keys": a key the source held was written after the last batch; move it too.
                if (attempt >= SETSLOT_ATTEMPTS || !e.reply().contains("keys")) {
                    throw e;
                }
                moveKeys(slot, source, target, pausePerKey);
            }
        }
        for (RedisServer master : masters()) {
            if (master != source && master != target) {
                master.command("CLUSTER", "SETSLOT", number, "NODE", targetId);
            }
        }
        Polling.until("every node maps slot " + slot + " to " + target, AGREE_TIMEOUT, () -> {
            for (RedisServer node : nodes) {
                if (node.isRunning()) {
                    RedisServer owner = ownerIn(slotMap(node), slot);
                    if (owner != target) {
                        return node.port() + " maps it to " + owner;
                    }
                }
            }
            return null;
        });
    }

    private void moveKeys(int slot, RedisServer source, RedisServer target, Duration pausePerKey) {
        boolean slowly = !pausePerKey.isZero();
        while (true) {
            List<?> keys = (List<?>) source.command(
                    "CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), Integer.toString(slowly ? 1 : MIGRATE_BATCH));
            if (keys.isEmpty()) {
                return;
            }
            List<String> command = new ArrayList<>(List.of(
                    "MIGRATE",
                    target.host(),
                    Integer.toString(target.port()),
                    "",
                    "0",
                    Long.toString(MIGRATE_TIMEOUT.toMillis()),
                    "KEYS"));
            keys.forEach(key -> command.add((String) key));
            // "OK", or "NOKEY" if every key was deleted since GETKEYSINSLOT.
            source.command(MIGRATE_TIMEOUT.plus(RespClient.DEFAULT_TIMEOUT), command.toArray(String[]::new));
            if (slowly) {
                Await.sleep(pausePerKey.toMillis());
            }
        }
    }

    private RedisServer ownerIn(List<SlotRange> map, int slot) {
        for (SlotRange range : map) {
            if (range.contains(slot)) {
                return byPort.get(range.masterPort());
            }
        }
        return null;
    }

    private <T> T askLiveNode(Function<RedisServer, T> question) {
        RuntimeException failure = null;
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            try {
                return question.apply(node);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw new IllegalStateException("no node of " + this + " answers", failure);
    }

    private List<RedisServer> inNodeOrder(Stream<RedisServer> servers) {
        Set<RedisServer> chosen =
                servers.filter(Objects::nonNull).filter(RedisServer::isRunning).collect(Collectors.toSet());
        return nodes.stream().filter(chosen::contains).collect(Collectors.toUnmodifiableList());
    }

    private String idOf(RedisServer server) {
        String id = ids.get(server);
        if (id == null) {
            throw new IllegalArgumentException(server + " is not a node of " + this);
        }
        return id;
    }

    private RedisServer serverAt(int port) {
        RedisServer server = byPort.get(port);
        if (server == null) {
            throw new IllegalStateException("port " + port + " is not a node of " + this);
        }
        return server;
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot " + slot);
        }
    }

    private static Map<String, String> clusterInfo(RedisServer node) {
        return InfoParser.parse((String) node.command("CLUSTER", "INFO"));
    }

    /** The node's {@code CLUSTER SLOTS}, sorted by first slot, replicas flagged as failing left out. */
    private static List<SlotRange> slotMap(RedisServer node) {
        List<SlotRange> ranges = new ArrayList<>();
        for (Object entry : (List<?>) node.command("CLUSTER", "SLOTS")) {
            List<?> fields = (List<?>) entry;
            List<Integer> replicas = new ArrayList<>();
            for (Object replica : fields.subList(3, fields.size())) {
                replicas.add(portIn(replica));
            }
            ranges.add(new SlotRange(
                    ((Long) fields.get(0)).intValue(),
                    ((Long) fields.get(1)).intValue(),
                    portIn(fields.get(2)),
                    sorted(replicas)));
        }
        ranges.sort(Comparator.comparingInt(SlotRange::start));
        return ranges;
    }

    private static int portIn(Object endpoint) {
        return ((Long) ((List<?>) endpoint).get(1)).intValue();
    }

    private static List<ClusterNode> clusterNodes(RedisServer node) {
        List<ClusterNode> view = new ArrayList<>();
        for (String line : ((String) node.command("CLUSTER", "NODES")).split("\n")) {
            if (!line.isBlank()) {
                view.add(ClusterNode.parse(line));
            }
        }
        return view;
    }

    private static List<Integer> sorted(List<Integer> ports) {
        List<Integer> copy = new ArrayList<>(ports);
        copy.sort(Comparator.naturalOrder());
        return List.copyOf(copy);
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, as in Redis's crc16.c. */
    static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }

    /** One range of a {@code CLUSTER SLOTS} reply, by port. */
    private record SlotRange(int start, int end, int masterPort, List<Integer> replicaPorts) {
        boolean contains(int slot) {
            return start <= slot && slot <= end;
        }

        String ownerString() {
            return start + "-" + end + "@" + masterPort;
        }

        @Override
        public String toString() {
            return ownerString() + " replicas " + replicaPorts;
        }
    }

    /** One line of {@code CLUSTER NODES}. */
    private record ClusterNode(String id, int port, Set<String> flags, String masterId, String linkState) {
        static ClusterNode parse(String line) {
            // <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <epoch> <link> <slots>...
            String[] fields = line.split(" ");
            String address = fields[1];
            int colon = address.lastIndexOf(':', address.indexOf('@'));
            int port = Integer.parseInt(address.substring(colon + 1, address.indexOf('@')));
            return new ClusterNode(
                    fields[0], port, Set.copyOf(Arrays.asList(fields[2].split(","))), fields[3], fields[7]);
        }

        /**
         * Not flagged as failed (which takes a majority of masters) nor still unknown. A mere suspicion
         * ({@code fail?}) does not count: on a busy machine a slow node is often suspected, then cleared.
         */
        boolean healthy() {
            return !flags.contains("fail") && !flags.contains("handshake") && !flags.contains("noaddr");
        }
    }

    /** Settings for a {@link RedisCluster}; each {@link #start()} starts a new, independent cluster. */
    public static final class Builder {
        private int masters = 3;
        private int replicasPerMaster;
        private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;
        private RedisBinary binary;
        private final Map<String, String> args = new LinkedHashMap<>();

        private Builder() {}

        /** The number of masters, sharing the slots evenly; default 3. */
        public Builder masters(int masters) {
            if (masters < 1 || masters > SLOTS) {
                throw new IllegalArgumentException("masters " + masters);
            }
            this.masters = masters;
            return this;
        }

        /** The number of replicas of each master; default 0. A master can only fail over to a replica. */
        public Builder replicasPerMaster(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicasPerMaster " + replicas);
            }
            this.replicasPerMaster = replicas;
            return this;
        }

        /**
         * {@code cluster-node-timeout}: how long a node may be unreachable before it counts as failing;
         * default 1 s. A failover takes about two to three times this.
         */
        public Builder nodeTimeout(Duration nodeTimeout) {
            if (nodeTimeout.isNegative() || nodeTimeout.isZero()) {
                throw new IllegalArgumentException("nodeTimeout " + nodeTimeout);
            }
            this.nodeTimeout = nodeTimeout;
            return this;
        }

        /** The binary every node runs; by default {@link RedisBinary#find()}. */
        public Builder binary(RedisBinary binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        /**
         * An extra config directive for every node, passed after the test kit's own settings so it overrides
         * them; see {@link RedisServer.Builder#arg}.
         */
        public Builder arg(String name, String value) {
            String bare = name.startsWith("--") ? name.substring(2) : name;
            args.put(bare, Objects.requireNonNull(value));
            return this;
        }

        /**
         * Starts the nodes, forms the cluster and returns once it is formed (see {@link RedisCluster}); if
         * that fails, stops every node it started before throwing.
         */
        public RedisCluster start() {
            RedisBinary chosen = binary != null ? binary : RedisBinary.find();
            RedisServer.Builder node = RedisServer.builder()
                    .binary(chosen)
                    .freePorts(FreePorts::pickWithClusterBus)
                    .arg("cluster-enabled", "yes")
                    .arg("cluster-config-file", "nodes.conf") // relative to the node's own directory
                    .arg("cluster-node-timeout", Long.toString(nodeTimeout.toMillis()))
                    // Redis 7 waits 5 s by default before a diskless full sync, in case more replicas come.
                    .arg("repl-diskless-sync-delay", "0")
                    // Redis 7 leaves a replica out of CLUSTER SLOTS while its replication offset is 0, which
                    // on an idle master lasts until the first ping to the replicas: every 10 s by default.
                    .arg("repl-ping-replica-period", "1");
            args.forEach(node::arg);
            List<RedisServer> nodes = Topology.startAll(masters * (1 + replicasPerMaster), i -> node.start());
            try {
                RedisCluster cluster = new RedisCluster(nodes);
                cluster.form(masters, replicasPerMaster);
                return cluster;
            } catch (RuntimeException | Error e) {
                try {
                    Topology.closeAll(nodes);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }
}
