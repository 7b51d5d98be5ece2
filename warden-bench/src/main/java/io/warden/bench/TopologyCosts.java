package io.warden.bench;

import io.warden.Warden;
import io.warden.WardenException;
import io.warden.testkit.Await;
import io.warden.testkit.RedisCluster;
import io.warden.testkit.RedisServer;
import io.warden.testkit.RedisServerGroup;
import io.warden.testkit.SentinelGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * {@code --mode topologies}: what each Redis topology Warden supports costs per lock acquisition, relative
 * to one standalone server, all measured in one run. Every topology is started up front; each round then
 * measures every topology, the topologies taking turns in small pieces, so that noise on this shared
 * machine hits all of them alike. Writes docs/topology-costs.md, or with {@code --quick} (one short
 * round, only to prove the harness works) warden-bench/target/bench-topologies/topology-costs.md.
 */
final class TopologyCosts {
    static final String MODE = "topologies";

    /** Lock names of the uncontended latency run, used in turn. */
    static final int LATENCY_NAMES = 64;
    /** Threads of the throughput run. */
    static final int THREADS = 8;
    /** Lock names each throughput thread uses in turn; no two threads share one. */
    static final int NAMES_PER_THREAD = 8;
    /** The replica acknowledgement timeout of the WAIT topology. */
    static final Duration REPLICA_ACK_TIMEOUT = Duration.ofMillis(200);

    private static final Duration REPLICA_SYNC_TIMEOUT = Duration.ofSeconds(30);
    /** Failed pairs in a row after which a topology's run stops: it is broken, not slow. */
    private static final int MAX_FAILURES_IN_A_ROW = 50;

    private TopologyCosts() {}

    /**
     * How long and how often each topology is measured. Within a round, the topologies take turns in small
     * pieces (chunks of pairs, slices of the window), so that a burst of other work on the machine hits them
     * all alike.
     *
     * @param rounds rounds; each measures every topology once
     * @param latencyPairs measured single-thread pairs per topology and round
     * @param chunkPairs single-thread pairs a topology runs before the next one takes its turn
     * @param window measured {@value #THREADS}-thread time per topology and round
     * @param slices pieces the window is cut into, each topology running one in turn
     * @param warmupPairs unmeasured single-thread pairs on each topology before the first round, so that the
     *     JIT has compiled the client before any topology is measured
     * @param warmupWindow unmeasured {@value #THREADS}-thread load on each topology before the first round
     */
    record Plan(
            String name,
            int rounds,
            int latencyPairs,
            int chunkPairs,
            Duration window,
            int slices,
            int warmupPairs,
            Duration warmupWindow) {
        static Plan full() {
            return new Plan("full", 3, 3_000, 100, Duration.ofSeconds(3), 6, 3_000, Duration.ofSeconds(2));
        }

        static Plan quick() {
            return new Plan("quick", 1, 300, 100, Duration.ofMillis(500), 2, 300, Duration.ofMillis(300));
        }

        Duration slice() {
            return window.dividedBy(slices);
        }

        int chunks() {
            return (latencyPairs + chunkPairs - 1) / chunkPairs;
        }

        boolean isQuick() {
            return name.equals("quick");
        }
    }

    /** A topology under test: what runs, how Warden is configured for it, and how to start both. */
    record Topology(String label, String servers, String configuration, Starter starter) {}

    /** Starts a topology's servers and opens a Warden on them, adding both to {@code open} as they start. */
    @FunctionalInterface
    interface Starter {
        Started start(Deque<AutoCloseable> open) throws Exception;
    }

    /** A started topology: its Warden and the masters it writes to (for the version and command counts). */
    record Started(Warden warden, List<RedisServer> masters) {}

    /** One topology measured in one round. */
    record Measurement(
            String topology, int round, double p50Micros, double p99Micros, double pairsPerSecond, long errors) {}

    /** The five topologies, standalone (the reference) first. */
    static List<Topology> topologies() {
        return List.of(
                new Topology("standalone", "1 redis-server", "`uri(\"redis://127.0.0.1:PORT\")`", open -> {
                    RedisServer server = keep(open, RedisServer.start());
                    return new Started(open(open, Warden.builder().uri(server.uri())), List.of(server));
                }),
                new Topology(
                        "standalone + WAIT 1 replica",
                        "1 master + 1 replica (replicaof)",
                        "`uri(master).replicaAcks(1, " + REPLICA_ACK_TIMEOUT.toMillis()
                                + " ms)`: WAIT 1 after every write",
                        TopologyCosts::startWithReplica),
                new Topology(
                        "Sentinel",
                        "1 master + 1 replica, 3 sentinels",
                        "`uri(\"redis-sentinel://127.0.0.1:S1,S2,S3#warden-master\")`",
                        open -> {
                            SentinelGroup group =
                                    keep(open, SentinelGroup.builder().start());
                            return new Started(open(open, Warden.builder().uri(group.uri())), List.of(group.master()));
                        }),
                new Topology(
                        "Cluster, 3 masters",
                        "3 cluster masters, no replicas",
                        "`uri(\"redis-cluster://127.0.0.1:P1,P2,P3\")`",
                        open -> {
                            RedisCluster cluster =
                                    keep(open, RedisCluster.builder().masters(3).start());
                            return new Started(open(open, Warden.builder().uri(cluster.uri())), cluster.masters());
                        }),
                new Topology(
                        "Redlock, 3 nodes",
                        "3 independent redis-servers",
                        "`redlock(List.of(\"redis://127.0.0.1:N1\", ...))`",
                        open -> {
                            RedisServerGroup group = keep(open, RedisServerGroup.start(3));
                            return new Started(open(open, Warden.builder().redlock(group.uris())), group.servers());
                        }));
    }

    /**
     * Runs the mode and writes the report; returns the process exit status (1 if any topology failed to
     * start or to be measured, which the report says too).
     */
    static int run(Path root, boolean quick, Path out) throws Exception {
        Plan plan = quick ? Plan.quick() : Plan.full();
        boolean publish = !quick && out == null;
        Path reportFile = publish
                ? root.resolve("docs/topology-costs.md")
                : (out != null ? out : root.resolve("warden-bench/target/bench-" + MODE)).resolve("topology-costs.md");
        long started = System.nanoTime();
        List<Topology> topologies = topologies();
        Map<Topology, Started> running = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        Deque<AutoCloseable> open = new ArrayDeque<>();
        try {
            MachineInfo machine = null;
            for (Topology topology : topologies) {
                long t0 = System.nanoTime();
                Bench.log("starting " + topology.label() + " (" + topology.servers() + ")");
                try {
                    Started s = topology.starter().start(open);
                    running.put(topology, s);
                    if (machine == null) {
                        machine = MachineInfo.describe(s.masters().get(0));
                    }
                    Bench.log(topology.label() + " up in " + millisSince(t0) + " ms");
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception | AssertionError e) {
                    e.printStackTrace();
                    failures.add(topology.label() + " did not start: " + e);
                }
            }
            if (!running.containsKey(topologies.get(0))) {
                throw new IllegalStateException("the reference topology (standalone) did not start: " + failures);
            }
            List<Topology> active = new ArrayList<>();
            Map<Topology, String> calls = new LinkedHashMap<>();
            for (Topology topology : running.keySet()) {
                long t0 = System.nanoTime();
                try {
                    Failures warmup = new Failures(topology.label() + " warm-up");
                    Warden warden = running.get(topology).warden();
                    uncontended(warden, 0, plan.warmupPairs(), warmup, Stats.nanosHistogram());
                    parallel(warden, plan.warmupWindow(), warmup);
                    calls.put(topology, countCalls(running.get(topology), plan.warmupPairs(), warmup));
                    active.add(topology);
                    if (warmup.count() > 0) {
                        failures.add(topology.label() + ": " + warmup.count() + " pairs failed during the warm-up, "
                                + "the first with " + warmup.first());
                    }
                    Bench.log(topology.label() + " warmed up in " + millisSince(t0) + " ms, " + warmup.count()
                            + " failed pairs");
                } catch (RuntimeException e) {
                    e.printStackTrace();
                    failures.add(topology.label() + ", warm-up: " + e);
                }
            }
            List<Measurement> measurements = new ArrayList<>();
            for (int round = 1; round <= plan.rounds(); round++) {
                long t0 = System.nanoTime();
                List<Tally> tallies = new ArrayList<>();
                for (Topology topology : active) {
                    tallies.add(new Tally(topology, running.get(topology).warden()));
                }
                measureRound(tallies, plan, round);
                for (Tally tally : tallies) {
                    if (tally.broken != null) {
                        tally.broken.printStackTrace();
                        failures.add(
                                tally.topology.label() + ", round " + round + " (no further rounds): " + tally.broken);
                        active.remove(tally.topology);
                        continue;
                    }
                    Measurement m = tally.measurement(round);
                    measurements.add(m);
                    Bench.log(String.format(
                            java.util.Locale.ROOT,
                            "round %d %-28s p50 %s µs, p99 %s µs, %s pairs/s, %d failed pairs",
                            round,
                            m.topology(),
                            Stats.format(m.p50Micros()),
                            Stats.format(m.p99Micros()),
                            Stats.format(m.pairsPerSecond()),
                            m.errors()));
                }
                Bench.log("round " + round + " took " + millisSince(t0) + " ms");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String table =
                    TopologyReport.write(reportFile, plan, machine, topologies, calls, measurements, failures, took);
            System.out.println(table);
            Bench.log("report: " + reportFile + " (" + took.toSeconds() + " s)");
        } finally {
            closeAll(open);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /** One topology's figures in the round under way. */
    private static final class Tally {
        final Topology topology;
        final Warden warden;
        final Failures failures;
        final Histogram latency = Stats.nanosHistogram();
        long pairs;
        long nanos;
        RuntimeException broken;

        Tally(Topology topology, Warden warden) {
            this.topology = topology;
            this.warden = warden;
            this.failures = new Failures(topology.label());
        }

        Measurement measurement(int round) {
            return new Measurement(
                    topology.label(),
                    round,
                    Stats.percentileMicros(latency, 50),
                    Stats.percentileMicros(latency, 99),
                    pairs / (nanos / 1e9),
                    failures.count());
        }
    }

    /**
     * One round: uncontended latency, the topologies taking turns every {@link Plan#chunkPairs()} pairs,
     * then throughput, taking turns every {@link Plan#slice()}. Each turn starts from the next topology, so
     * none is always first. A topology that breaks is left out of the rest of the round.
     */
    static void measureRound(List<Tally> tallies, Plan plan, int round) throws InterruptedException {
        for (int chunk = 0; chunk < plan.chunks(); chunk++) {
            int pairs = Math.min(plan.chunkPairs(), plan.latencyPairs() - chunk * plan.chunkPairs());
            for (Tally tally : inTurn(tallies, round + chunk)) {
                try {
                    uncontended(tally.warden, chunk * plan.chunkPairs(), pairs, tally.failures, tally.latency);
                } catch (RuntimeException e) {
                    tally.broken = e;
                }
            }
        }
        for (int slice = 0; slice < plan.slices(); slice++) {
            for (Tally tally : inTurn(tallies, round + slice)) {
                long start = System.nanoTime();
                try {
                    tally.pairs += parallel(tally.warden, plan.slice(), tally.failures);
                    tally.nanos += System.nanoTime() - start;
                } catch (RuntimeException e) {
                    tally.broken = e;
                }
            }
        }
    }

    /** The tallies not broken, starting at {@code first} (modulo their number) and wrapping around. */
    private static List<Tally> inTurn(List<Tally> tallies, int first) {
        List<Tally> turn = new ArrayList<>();
        for (int i = 0; i < tallies.size(); i++) {
            Tally tally = tallies.get((first + i) % tallies.size());
            if (tally.broken == null) {
                turn.add(tally);
            }
        }
        return turn;
    }

    /**
     * {@code pairs} acquire + release pairs on one thread over rotating names, from name number {@code
     * from}; records the latency of each that succeeded.
     */
    private static void uncontended(Warden warden, int from, int pairs, Failures failures, Histogram latency)
            throws InterruptedException {
        for (int i = from; i < from + pairs; i++) {
            long start = System.nanoTime();
            if (pair(warden, "topology:latency:" + (i % LATENCY_NAMES), failures)) {
                latency.recordValue(System.nanoTime() - start);
            }
        }
    }

    /** {@value #THREADS} threads, each on names of its own, for {@code window}; how many pairs succeeded. */
    private static long parallel(Warden warden, Duration window, Failures failures) throws InterruptedException {
        LongAdder pairs = new LongAdder();
        long end = System.nanoTime() + window.toNanos();
        Workers.run("topology", THREADS, index -> {
            long count = 0;
            for (long i = 0; System.nanoTime() - end < 0; i++) {
                if (pair(warden, "topology:thread:" + index + ":" + (i % NAMES_PER_THREAD), failures)) {
                    count++;
                }
            }
            pairs.add(count);
        });
        return pairs.sum();
    }

    /** Commands a client sends, as opposed to those its scripts run, which INFO commandstats counts too. */
    private static final List<String> CLIENT_COMMANDS = List.of("evalsha", "eval", "wait");

    /**
     * Client commands per pair, such as {@code 2 EVALSHA + 2 WAIT}: the INFO commandstats calls of {@link
     * #CLIENT_COMMANDS} on every master over {@code pairs} unmeasured pairs, divided by their number.
     */
    private static String countCalls(Started topology, int pairs, Failures failures) throws InterruptedException {
        long[] before = clientCalls(topology.masters());
        uncontended(topology.warden(), 0, pairs, failures, Stats.nanosHistogram());
        long[] after = clientCalls(topology.masters());
        List<String> counted = new ArrayList<>();
        for (int i = 0; i < CLIENT_COMMANDS.size(); i++) {
            if (after[i] > before[i]) {
                counted.add(Stats.format((after[i] - before[i]) / (double) pairs) + " "
                        + CLIENT_COMMANDS.get(i).toUpperCase(java.util.Locale.ROOT));
            }
        }
        return String.join(" + ", counted);
    }

    private static long[] clientCalls(List<RedisServer> masters) {
        long[] calls = new long[CLIENT_COMMANDS.size()];
        for (RedisServer master : masters) {
            for (int i = 0; i < calls.length; i++) {
                calls[i] += master.commandCalls(CLIENT_COMMANDS.get(i));
            }
        }
        return calls;
    }

    /** One {@code acquire(Duration.ZERO)} + {@code release()}; false (counted) if Warden threw. */
    private static boolean pair(Warden warden, String name, Failures failures) throws InterruptedException {
        try {
            warden.lock(name).acquire(Duration.ZERO).release();
            failures.success();
            return true;
        } catch (WardenException e) {
            failures.failed(e);
            return false;
        }
    }

    /** Failed pairs of one measurement; gives up after {@value #MAX_FAILURES_IN_A_ROW} in a row. */
    private static final class Failures {
        private final String label;
        private final AtomicLong count = new AtomicLong();
        private final AtomicInteger inARow = new AtomicInteger();
        private final AtomicReference<WardenException> first = new AtomicReference<>();

        Failures(String label) {
            this.label = label;
        }

        void success() {
            inARow.set(0);
        }

        void failed(WardenException e) {
            count.incrementAndGet();
            first.compareAndSet(null, e);
            if (inARow.incrementAndGet() >= MAX_FAILURES_IN_A_ROW) {
                throw new IllegalStateException(
                        label + ": " + MAX_FAILURES_IN_A_ROW + " pairs failed in a row; the first failure: "
                                + first.get(),
                        first.get());
            }
        }

        long count() {
            return count.get();
        }

        WardenException first() {
            return first.get();
        }
    }

    /** A master, a replica that synced with it, and a Warden that sends WAIT 1 after each write. */
    private static Started startWithReplica(Deque<AutoCloseable> open) {
        // Redis 7 waits 5 s by default before a diskless full sync, in case more replicas come.
        RedisServer master = keep(
                open, RedisServer.builder().arg("repl-diskless-sync-delay", "0").start());
        RedisServer replica = keep(
                open,
                RedisServer.builder()
                        .arg("replicaof", master.host() + " " + master.port())
                        .start());
        Await.until(
                "replica " + replica.port() + " is in sync with master " + master.port(),
                REPLICA_SYNC_TIMEOUT,
                () -> "up".equals(replica.info("replication").get("master_link_status")));
        Warden warden = open(open, Warden.builder().uri(master.uri()).replicaAcks(1, REPLICA_ACK_TIMEOUT));
        // Proof that this topology measures what it claims: an acquire + release sends WAIT.
        long waits = master.commandCalls("wait");
        try {
            warden.lock("topology:check").acquire(Duration.ZERO).release();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (master.commandCalls("wait") <= waits) {
            throw new IllegalStateException("replicaAcks(1) sent no WAIT to " + master);
        }
        return new Started(warden, List.of(master));
    }

    private static <T extends AutoCloseable> T keep(Deque<AutoCloseable> open, T resource) {
        open.push(resource);
        return resource;
    }

    private static Warden open(Deque<AutoCloseable> open, Warden.Builder builder) {
        return keep(open, builder.build());
    }

    /** Closes Wardens and servers, newest first, even if closing one fails. */
    private static void closeAll(Deque<AutoCloseable> open) throws Exception {
        Exception first = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (RedisServer.liveServerCount() != 0) {
            Bench.log("warning: " + RedisServer.liveServerCount() + " redis-server(s) not closed");
        }
        if (first != null) {
            throw first;
        }
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
