package io.warden.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * S6: eight simulated nodes (one client each) fire the same scheduled job; each firing is one schedule
 * slot, whose lock name carries the slot. Every node runs through the slots at its own pace, as
 * schedulers with some skew do, so late nodes rely on {@code lockAtLeastFor} to skip a slot that
 * already ran. Exactly once means: every slot ran on exactly one node.
 *
 * <p>As in S1 to S4, the nodes first fire for the mode's warm-up time on another job, so the
 * measured firings run compiled code for every library; a fixed few firings left both libraries
 * measured partly in the interpreter.
 */
final class TaskScenario implements Scenario {
    static final int NODES = 8;
    static final Duration AT_LEAST = Duration.ofSeconds(30);
    static final Duration AT_MOST = Duration.ofSeconds(60);
    private static final List<Library> LIBRARIES = List.of(Library.WARDEN, Library.SHEDLOCK);

    @Override
    public String id() {
        return "S6";
    }

    @Override
    public String title() {
        return "task lock: 8 nodes fire the same job, each firing must run exactly once";
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
        List<TaskClient> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(library.openTasks(bench.uri()));
            }
            int firings = bench.mode().firings();
            warmUp(nodes, "S6:warmup:" + round, firings, bench.mode().warmup());
            AtomicIntegerArray runs = new AtomicIntegerArray(firings);
            Probes.RedisSample redisBefore = Probes.redis(bench.redis());
            long cpuBefore = Probes.processCpuNanos();
            long start = System.nanoTime();
            fire(nodes, "S6:job:" + round, firings, runs);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = Probes.processCpuNanos() - cpuBefore;
            Probes.RedisSample redis = Probes.redis(bench.redis()).minus(redisBefore);
            long duplicated = 0;
            long missed = 0;
            for (int i = 0; i < firings; i++) {
                duplicated += Math.max(0, runs.get(i) - 1);
                missed += runs.get(i) == 0 ? 1 : 0;
            }
            return new RunResult(id(), library, round)
                    .put("runs_per_s", firings / seconds)
                    .put("attempts_per_s", (double) firings * NODES / seconds)
                    .put("duplicate_runs", duplicated)
                    .put("missed_firings", missed)
                    .put("redis_cmds_per_firing", (double) redis.commands() / firings)
                    .put("redis_cpu_us_per_firing", redis.cpuSeconds() * 1e6 / firings)
                    .put("client_cpu_us_per_firing", cpu / 1e3 / firings);
        } finally {
            nodes.forEach(TaskClient::close);
        }
    }

    /** Fires batches of slots on another job until {@code duration} has passed. */
    private static void warmUp(List<TaskClient> nodes, String job, int firings, Duration duration)
            throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        for (int batch = 0; batch == 0 || System.nanoTime() - end < 0; batch++) {
            fire(nodes, job + ":" + batch, Math.max(20, firings / 5), new AtomicIntegerArray(firings));
        }
    }

    private static void fire(List<TaskClient> nodes, String job, int firings, AtomicIntegerArray runs)
            throws InterruptedException {
        Workers.run("node", nodes.size(), node -> {
            TaskClient client = nodes.get(node);
            for (int slot = 0; slot < firings; slot++) {
                int ran = slot % runs.length();
                client.runIfFree(job + ":" + slot, AT_LEAST, AT_MOST, () -> runs.incrementAndGet(ran));
            }
        });
    }
}
