package io.warden.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * S9: one read-write lock, {@link #READERS} reader threads and {@link #WRITERS} writer threads in one
 * JVM. Every holding lasts {@link #HOLD} (a sleep); readers ask again at once, writers pause {@link
 * #WRITER_PAUSE} between writes. Both libraries use their watchdog with the same lease.
 */
final class ReadWriteScenario implements Scenario {
    static final int READERS = 14;
    static final int WRITERS = 2;
    static final Duration HOLD = Duration.ofMillis(1);
    static final Duration WRITER_PAUSE = Duration.ofMillis(5);
    private static final List<Library> LIBRARIES = List.of(Library.WARDEN, Library.REDISSON);

    @Override
    public String id() {
        return "S9";
    }

    @Override
    public String title() {
        return "read-write lock: 14 reader and 2 writer threads of one JVM, holds of 1 ms";
    }

    @Override
    public List<Library> libraries() {
        return LIBRARIES;
    }

    /** The measured run; in round 1 also the MONITOR counting pass, after the measured window. */
    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws Exception {
        bench.reset();
        try (SharedClients.ReadWrite client =
                SharedClients.readWrite(library, bench.uri(), "S9:rw", PairsScenario.LEASE)) {
            drive(client, ContentionScenario.deadline(bench.mode().warmup()), Long.MAX_VALUE);
            Probes.RedisSample before = Probes.redis(bench.redis());
            long start = System.nanoTime();
            long end = start + bench.mode().measure().toNanos();
            Drive run = drive(client, end, Long.MAX_VALUE);
            Probes.RedisSample redis = Probes.redis(bench.redis()).minus(before);
            double seconds = bench.mode().measure().toNanos() / 1e9;
            long operations = run.reads.size() + run.writes.size();
            Histogram writeWait = waits(run.writes);
            Histogram readWait = waits(run.reads);
            RunResult measured = new RunResult(id(), library, round)
                    .put("reads_per_s", Contender.startedBefore(run.reads, end).size() / seconds)
                    .put(
                            "writes_per_s",
                            Contender.startedBefore(run.writes, end).size() / seconds)
                    .put("write_wait_p50_us", Stats.percentileMicros(writeWait, 50))
                    .put("write_wait_p99_us", Stats.percentileMicros(writeWait, 99))
                    .put("write_wait_max_ms", writeWait.getMaxValue() / 1e6)
                    .put("read_wait_p50_us", Stats.percentileMicros(readWait, 50))
                    .put("read_wait_p99_us", Stats.percentileMicros(readWait, 99))
                    .put("redis_cmds_per_op", (double) redis.commands() / operations)
                    .put("max_readers", Sharing.maxConcurrent(run.reads))
                    .put("writes_over_reads", Sharing.overlapping(run.writes, run.reads))
                    .put("writes_over_writes", Sharing.overlapping(run.writes, run.writes))
                    .put("exclusion_violations", run.violations);
            if (round != 1) {
                return List.of(measured);
            }
            return List.of(measured, countCommands(bench, client, library));
        }
    }

    /** Client commands per read or write, counted with MONITOR in an unmeasured pass of the same load. */
    private RunResult countCommands(Bench bench, SharedClients.ReadWrite client, Library library) throws Exception {
        long commands;
        Drive counted;
        try (MonitorCounter monitor = MonitorCounter.start(bench.redis())) {
            counted = drive(client, Long.MAX_VALUE, bench.mode().monitoredPairs());
            commands = monitor.stop();
        }
        long operations = counted.reads.size() + counted.writes.size();
        return new RunResult(id(), library, 0).put("client_cmds_per_op", (double) commands / operations);
    }

    /** Time from asking to holding, in nanoseconds. */
    static Histogram waits(List<Contention.Holding> holdings) {
        Histogram histogram = Stats.nanosHistogram();
        holdings.forEach(h -> histogram.recordValue(h.acquired() - h.requested()));
        return histogram;
    }

    /**
     * Every read and write holding, and how often a thread saw a forbidden companion while holding: a
     * writer beside a reader, or a second writer.
     */
    record Drive(List<Contention.Holding> reads, List<Contention.Holding> writes, long violations) {}

    /**
     * Runs readers and writers until {@code end} (a nanoTime) or until {@code limit} reads and writes
     * have been asked for, whichever comes first.
     */
    static Drive drive(SharedClients.ReadWrite client, long end, long limit) throws InterruptedException {
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        LongAdder violations = new LongAdder();
        AtomicLong asked = new AtomicLong();
        ConcurrentLinkedQueue<List<Contention.Holding>> reads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<List<Contention.Holding>> writes = new ConcurrentLinkedQueue<>();
        Workers.run("S9", READERS + WRITERS, index -> {
            boolean writer = index >= READERS;
            List<Contention.Holding> mine = new ArrayList<>();
            String owner = (writer ? "w" : "r") + index;
            for (long requested = System.nanoTime();
                    requested - end < 0 && asked.getAndIncrement() < limit;
                    requested = System.nanoTime()) {
                LockClient.Held held = writer ? client.write() : client.read();
                long acquired = System.nanoTime();
                // Each side announces itself before looking at the other (sequentially consistent
                // atomics): of a reader and a writer holding at once, at least one sees the other.
                boolean alone;
                if (writer) {
                    boolean firstWriter = writers.incrementAndGet() == 1;
                    alone = firstWriter && readers.get() == 0;
                } else {
                    readers.incrementAndGet();
                    alone = writers.get() == 0;
                }
                if (!alone) {
                    violations.increment();
                }
                LockSupport.parkNanos(HOLD.toNanos());
                (writer ? writers : readers).decrementAndGet();
                long released = System.nanoTime();
                held.release();
                mine.add(new Contention.Holding(owner, requested, acquired, released));
                if (writer) {
                    LockSupport.parkNanos(WRITER_PAUSE.toNanos());
                }
            }
            (writer ? writes : reads).add(mine);
        });
        List<Contention.Holding> allReads = new ArrayList<>();
        reads.forEach(allReads::addAll);
        List<Contention.Holding> allWrites = new ArrayList<>();
        writes.forEach(allWrites::addAll);
        return new Drive(allReads, allWrites, violations.sum());
    }
}
