package io.warden.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * S1 and S2: acquire + release pairs without contention, on one thread over rotating keys (S1) or on
 * sixteen threads each with its own key (S2).
 */
final class PairsScenario implements Scenario {
    static final Duration LEASE = Duration.ofSeconds(30);
    private static final List<Library> LIBRARIES =
            List.of(Library.WARDEN, Library.REDISSON, Library.NAIVE, Library.WARDEN_NO_FENCE);

    private final String id;
    private final String title;
    private final int threads;
    private final boolean countClientCommands;

    private PairsScenario(String id, String title, int threads, boolean countClientCommands) {
        this.id = id;
        this.title = title;
        this.threads = threads;
        this.countClientCommands = countClientCommands;
    }

    static PairsScenario uncontended() {
        return new PairsScenario("S1", "uncontended: 1 thread, acquire + release on rotating keys", 1, true);
    }

    static PairsScenario parallel() {
        return new PairsScenario("S2", "parallel: 16 threads, each on its own key", 16, false);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public List<Library> libraries() {
        return LIBRARIES;
    }

    /**
     * The measured run; in round 1 of S1 also the MONITOR counting pass, after the measured window so
     * that it cannot slow the measurement down.
     */
    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws Exception {
        RunResult measured = runOnce(bench, library, round);
        if (countClientCommands && round == 1) {
            return List.of(measured, countCommands(bench, library));
        }
        return List.of(measured);
    }

    private RunResult runOnce(Bench bench, Library library, int round) throws InterruptedException {
        bench.reset();
        try (LockClient client = library.openLocks(bench.uri(), LEASE)) {
            drive(client, bench.mode().warmup(), new ConcurrentLinkedQueue<>());
            ConcurrentLinkedQueue<Histogram> latencies = new ConcurrentLinkedQueue<>();
            Probes.RedisSample redisBefore = Probes.redis(bench.redis());
            long cpuBefore = Probes.processCpuNanos();
            long jitBefore = Probes.jitCpuNanos();
            long start = System.nanoTime();
            long pairs = drive(client, bench.mode().measure(), latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = Probes.processCpuNanos() - cpuBefore;
            long jit = Probes.jitCpuNanos() - jitBefore;
            Probes.RedisSample redis = Probes.redis(bench.redis()).minus(redisBefore);
            Histogram all = Stats.nanosHistogram();
            latencies.forEach(all::add);
            return new RunResult(id, library, round)
                    .put("pairs_per_s", pairs / seconds)
                    .put("p50_us", Stats.percentileMicros(all, 50))
                    .put("p99_us", Stats.percentileMicros(all, 99))
                    .put("p999_us", Stats.percentileMicros(all, 99.9))
                    .put("redis_cmds_per_pair", (double) redis.commands() / pairs)
                    .put("redis_cpu_us_per_pair", redis.cpuSeconds() * 1e6 / pairs)
                    .put("client_cpu_us_per_pair", cpu / 1e3 / pairs)
                    .put("client_cpu_no_jit_us_per_pair", Math.max(0, cpu - jit) / 1e3 / pairs);
        }
    }

    /** Runs pairs on every thread for {@code duration}; returns how many completed. */
    private long drive(LockClient client, Duration duration, ConcurrentLinkedQueue<Histogram> latencies)
            throws InterruptedException {
        LongAdder pairs = new LongAdder();
        long end = System.nanoTime() + duration.toNanos();
        Workers.run(id, threads, index -> {
            Histogram latency = Stats.nanosHistogram();
            long count = 0;
            for (long now = System.nanoTime(); now - end < 0; count++) {
                String name = threads == 1 ? id + ":key:" + (count & 1023) : id + ":thread:" + index;
                client.acquire(name).release();
                long done = System.nanoTime();
                latency.recordValue(done - now);
                now = done;
            }
            latencies.add(latency);
            pairs.add(count);
        });
        return pairs.sum();
    }

    /**
     * Client commands per pair, counted with MONITOR in a separate unmeasured pass (MONITOR slows
     * Redis down): every command a client sent, and none that a script ran.
     */
    private RunResult countCommands(Bench bench, Library library) throws Exception {
        bench.reset();
        int pairs = bench.mode().monitoredPairs();
        try (LockClient client = library.openLocks(bench.uri(), LEASE)) {
            for (int i = 0; i < pairs; i++) {
                client.acquire(id + ":count:" + (i & 1023)).release();
            }
            long commands;
            try (MonitorCounter monitor = MonitorCounter.start(bench.redis())) {
                for (int i = 0; i < pairs; i++) {
                    client.acquire(id + ":count:" + (i & 1023)).release();
                }
                commands = monitor.stop();
            }
            return new RunResult(id, library, 0).put("client_cmds_per_pair", (double) commands / pairs);
        }
    }
}
