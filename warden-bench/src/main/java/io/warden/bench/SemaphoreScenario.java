package io.warden.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * S8: sixteen threads of one JVM share a semaphore of four permits; each takes one permit, holds it for
 * {@link #HOLD} (a sleep), releases it and asks again. Permits are leases of {@link PairsScenario#LEASE}
 * for Warden (renewed by its watchdog) and for {@code RPermitExpirableSemaphore} (never renewed);
 * {@code RSemaphore}'s permits are counters that never expire.
 */
final class SemaphoreScenario implements Scenario {
    static final int PERMITS = 4;
    static final int THREADS = 16;
    static final Duration HOLD = Duration.ofMillis(1);
    private static final List<Library> LIBRARIES =
            List.of(Library.WARDEN, Library.REDISSON_EXPIRABLE_SEMAPHORE, Library.REDISSON_SEMAPHORE);

    @Override
    public String id() {
        return "S8";
    }

    @Override
    public String title() {
        return "semaphore: 16 threads of one JVM share 4 permits, each held 1 ms";
    }

    @Override
    public List<Library> libraries() {
        return LIBRARIES;
    }

    /** The measured run; in round 1 also the MONITOR counting pass, after the measured window. */
    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws Exception {
        bench.reset();
        try (SharedClients.Permits client =
                SharedClients.permits(library, bench.uri(), "S8:sem", PERMITS, PairsScenario.LEASE)) {
            drive(client, ContentionScenario.deadline(bench.mode().warmup()), Long.MAX_VALUE);
            Probes.RedisSample before = Probes.redis(bench.redis());
            long start = System.nanoTime();
            long end = start + bench.mode().measure().toNanos();
            Drive run = drive(client, end, Long.MAX_VALUE);
            Probes.RedisSample redis = Probes.redis(bench.redis()).minus(before);
            // Figures over the acquisitions made in the window; safety over every one.
            List<Contention.Holding> window = Contender.startedBefore(run.holdings, end);
            double seconds = bench.mode().measure().toNanos() / 1e9;
            var handoff = Sharing.handoffs(run.holdings);
            var waits = ReadWriteScenario.waits(run.holdings);
            int maxHolders = Sharing.maxConcurrent(run.holdings);
            RunResult measured = new RunResult(id(), library, round)
                    .put("acq_per_s", window.size() / seconds)
                    .put("handoff_p50_us", Stats.percentileMicros(handoff, 50))
                    .put("handoff_p99_us", Stats.percentileMicros(handoff, 99))
                    .put("wait_p50_us", Stats.percentileMicros(waits, 50))
                    .put("wait_p99_us", Stats.percentileMicros(waits, 99))
                    .put("redis_cmds_per_acq", (double) redis.commands() / run.holdings.size())
                    .put("redis_cpu_us_per_acq", redis.cpuSeconds() * 1e6 / run.holdings.size())
                    .put("handoff_share", (double) handoff.getTotalCount() / run.holdings.size())
                    .put("max_holders", maxHolders)
                    .put("holders_over_limit", Math.max(0, maxHolders - PERMITS))
                    .put("occupancy_violations", run.violations);
            if (round != 1) {
                return List.of(measured);
            }
            return List.of(measured, countCommands(bench, client, library));
        }
    }

    /** Client commands per acquisition, counted with MONITOR in an unmeasured pass of the same load. */
    private RunResult countCommands(Bench bench, SharedClients.Permits client, Library library) throws Exception {
        long acquisitions = bench.mode().monitoredPairs();
        long commands;
        try (MonitorCounter monitor = MonitorCounter.start(bench.redis())) {
            drive(client, Long.MAX_VALUE, acquisitions);
            commands = monitor.stop();
        }
        return new RunResult(id(), library, 0).put("client_cmds_per_acq", (double) commands / acquisitions);
    }

    /** Every holding, and how often more than {@link #PERMITS} threads were seen holding at once. */
    record Drive(List<Contention.Holding> holdings, long violations) {}

    /**
     * Runs the threads until {@code end} (a nanoTime) or until {@code limit} acquisitions have been
     * asked for, whichever comes first.
     */
    static Drive drive(SharedClients.Permits client, long end, long limit) throws InterruptedException {
        AtomicInteger holders = new AtomicInteger();
        LongAdder violations = new LongAdder();
        AtomicLong asked = new AtomicLong();
        ConcurrentLinkedQueue<List<Contention.Holding>> all = new ConcurrentLinkedQueue<>();
        Workers.run("S8", THREADS, index -> {
            List<Contention.Holding> mine = new ArrayList<>();
            String owner = "t" + index;
            for (long requested = System.nanoTime();
                    requested - end < 0 && asked.getAndIncrement() < limit;
                    requested = System.nanoTime()) {
                LockClient.Held held = client.acquire();
                long acquired = System.nanoTime();
                if (holders.incrementAndGet() > PERMITS) {
                    violations.increment();
                }
                LockSupport.parkNanos(HOLD.toNanos());
                holders.decrementAndGet();
                long released = System.nanoTime();
                held.release();
                mine.add(new Contention.Holding(owner, requested, acquired, released));
            }
            all.add(mine);
        });
        List<Contention.Holding> holdings = new ArrayList<>();
        all.forEach(holdings::addAll);
        return new Drive(holdings, violations.sum());
    }
}
