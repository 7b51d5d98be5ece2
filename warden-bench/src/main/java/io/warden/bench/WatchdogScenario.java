package io.warden.bench;

import io.warden.WardenMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * S5: many leases held at once with a short lease, so the watchdog does all the work. Measures what
 * renewal costs on both sides and what each held lease costs in heap; checks every key survived.
 * {@code S5s} repeats it with a tenth of the leases to show how renewal traffic scales.
 */
final class WatchdogScenario implements Scenario {
    static final Duration LEASE = Duration.ofSeconds(3);
    /** Both libraries renew every lease / 3: Warden's renewalsPerLease default, Redisson's fixed ratio. */
    static final Duration RENEWAL_INTERVAL = LEASE.dividedBy(3);

    private static final List<Library> LIBRARIES = List.of(Library.WARDEN, Library.REDISSON);
    private static final int EXISTS_BATCH = 500;

    private final String id;
    private final int divisor;

    private WatchdogScenario(String id, int divisor) {
        this.id = id;
        this.divisor = divisor;
    }

    static WatchdogScenario atScale() {
        return new WatchdogScenario("S5", 1);
    }

    static WatchdogScenario tenth() {
        return new WatchdogScenario("S5s", 10);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return divisor == 1
                ? "watchdog at scale: many leases held with a 3 s lease"
                : "watchdog scaling check: a tenth of S5's leases";
    }

    @Override
    public List<Library> libraries() {
        return LIBRARIES;
    }

    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws InterruptedException {
        return List.of(runOnce(bench, library, round, bench.mode().leases() / divisor));
    }

    private RunResult runOnce(Bench bench, Library library, int round, int leases) throws InterruptedException {
        bench.reset();
        int threadsBefore = Probes.threadCount();
        try (LockClient client = library.openLocks(bench.uri(), LEASE)) {
            for (int i = 0; i < 200; i++) {
                client.acquire(id + ":warmup:" + i).release();
            }
            // Let every renewal timer the warm-up started run out before the leases are taken. Redisson
            // 4.7 starts a new renewal timer chain each time its set of watched locks goes from empty to
            // one lock, without cancelling the pending one: 200 pairs right before the hold left about 40
            // chains renewing all 10,000 leases (4,000 requests per tick instead of 100). That is
            // Redisson's behaviour, but the scenario measures a watchdog's steady cost, so both libraries
            // wait out two renewal intervals in full mode (warden-bench/experiments/RedissonTimerChains.java,
            // issue 20).
            Thread.sleep(bench.mode().watchdogSettle().toMillis());
            long heapBefore = Probes.settledHeapBytes();
            List<LockClient.Held> held = new ArrayList<>(leases);
            long acquireStart = System.nanoTime();
            for (int i = 0; i < leases; i++) {
                held.add(client.acquire(name(i)));
            }
            double acquireSeconds = (System.nanoTime() - acquireStart) / 1e9;
            long heapBytes = Probes.settledHeapBytes() - heapBefore;
            int threadsAdded = Probes.threadCount() - threadsBefore;
            // The first renewal ticks run the renewal path cold: a JFR profile of Warden's holder showed
            // the JIT compiling it for 450 ms of CPU inside the 10 s hold, a third of what was measured.
            // S5 measures a watchdog's steady cost, so both libraries renew for two intervals first.
            Thread.sleep(bench.mode().watchdogSettle().toMillis());

            WardenMetrics metricsBefore = client instanceof WardenLocks w ? w.metrics() : null;
            Probes.RedisSample redisBefore = Probes.redis(bench.redis());
            long cpuBefore = Probes.processCpuNanos();
            long jitBefore = Probes.jitCpuNanos();
            long start = System.nanoTime();
            Thread.sleep(bench.mode().hold().toMillis());
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = Probes.processCpuNanos() - cpuBefore;
            long jit = Probes.jitCpuNanos() - jitBefore;
            Probes.RedisSample redis = Probes.redis(bench.redis()).minus(redisBefore);
            WardenMetrics metricsAfter = client instanceof WardenLocks w ? w.metrics() : null;
            long missing = leases - surviving(bench, client, leases);

            double ticks = seconds / (RENEWAL_INTERVAL.toNanos() / 1e9);
            RunResult result = new RunResult(id, library, round)
                    .put("leases", leases)
                    .put("acquire_all_s", acquireSeconds)
                    .put("heap_bytes_per_lease", (double) heapBytes / leases)
                    .put("threads_added", threadsAdded)
                    .put("client_cpu_ms_per_s", cpu / 1e6 / seconds)
                    .put("client_cpu_no_jit_ms_per_s", Math.max(0, cpu - jit) / 1e6 / seconds)
                    .put("redis_cpu_ms_per_s", redis.cpuSeconds() * 1e3 / seconds)
                    .put("redis_cmds_per_tick", redis.commands() / ticks)
                    .put("renewal_requests_per_tick", redis.scriptCalls() / ticks)
                    .put("keys_missing", missing);
            if (metricsBefore != null && metricsAfter != null) {
                result.put(
                                "round_trips_per_tick",
                                (metricsAfter.renewalRoundTrips() - metricsBefore.renewalRoundTrips()) / ticks)
                        .put("renewals_per_tick", (metricsAfter.renewalsSent() - metricsBefore.renewalsSent()) / ticks)
                        .put("leases_lost", metricsAfter.totalLeasesLost());
            }
            // The handles stay reachable through the heap reading and the hold, as an application's would.
            java.lang.ref.Reference.reachabilityFence(held);
            // No release loop: it is not measured, and when a watchdog falls behind (Redisson at 10,000
            // leases) thousands of unlocks queue behind the renewal storm for many minutes. Closing the
            // client ends the leases (Warden releases them, Redisson stops renewing); the next run
            // starts from a flushed Redis.
            return result;
        }
    }

    private String name(int i) {
        return id + ":lease:" + i;
    }

    /** How many of the leases' keys still exist in Redis. */
    private long surviving(Bench bench, LockClient client, int leases) {
        long found = 0;
        for (int from = 0; from < leases; from += EXISTS_BATCH) {
            List<String> command = new ArrayList<>();
            command.add("EXISTS");
            for (int i = from; i < Math.min(leases, from + EXISTS_BATCH); i++) {
                command.add(client.redisKey(name(i)));
            }
            found += (Long) bench.redis().command(command.toArray(String[]::new));
        }
        return found;
    }
}
