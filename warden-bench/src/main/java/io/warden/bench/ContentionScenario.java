package io.warden.bench;

import java.util.List;

/** S3: eight threads of one JVM take one lock in turn. */
final class ContentionScenario implements Scenario {
    static final int THREADS = 8;
    private static final List<Library> LIBRARIES = List.of(Library.WARDEN, Library.REDISSON, Library.NAIVE);

    @Override
    public String id() {
        return "S3";
    }

    @Override
    public String title() {
        return "contention in one JVM: 8 threads on one key";
    }

    @Override
    public List<Library> libraries() {
        return LIBRARIES;
    }

    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws InterruptedException {
        return List.of(runOnce(bench, library, round));
    }

    private RunResult runOnce(Bench bench, Library library, int round) throws InterruptedException {
        bench.reset();
        try (LockClient client = library.openLocks(bench.uri(), PairsScenario.LEASE)) {
            new Contender(client, "S3:warmup", "w")
                    .run(THREADS, deadline(bench.mode().warmup()));
            Contender contender = new Contender(client, "S3:hot", "t");
            long start = System.nanoTime();
            long end = start + bench.mode().measure().toNanos();
            List<Contention.Holding> all = contender.run(THREADS, end);
            List<Contention.Holding> window = Contender.startedBefore(all, end);
            double seconds = bench.mode().measure().toNanos() / 1e9;
            Contention.Figures figures = Contention.analyse(window, contender.owners(THREADS), seconds);
            return put(new RunResult(id(), library, round), figures)
                    .put("occupancy_violations", contender.occupancyViolations())
                    .put("lost_updates", contender.lostUpdates(all.size()));
        }
    }

    static long deadline(java.time.Duration from) {
        return System.nanoTime() + from.toNanos();
    }

    static RunResult put(RunResult result, Contention.Figures figures) {
        return result.put("acq_per_s", figures.perSecond())
                .put("handoff_p50_us", figures.handoffP50Us())
                .put("handoff_p99_us", figures.handoffP99Us())
                .put(
                        "handoff_share",
                        figures.acquisitions() == 0 ? Double.NaN : (double) figures.handoffs() / figures.acquisitions())
                .put("min_share", figures.minShare())
                .put("max_share", figures.maxShare())
                .put("longest_wait_ms", figures.longestWaitMs())
                .put("overlaps", figures.overlaps());
    }
}
