package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The README's plain-Java scheduling example, run for real: three simulated nodes schedule the same
 * job every 400 ms with their own ScheduledExecutorService; the job runs about once per period in
 * total, not once per node.
 */
@WithRedis
class ScheduledTaskExampleTest {

    @Test
    void threeNodesOnPlainScheduledExecutorsRunTheJobOncePerPeriod(RedisServer server) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<Warden> nodes = new ArrayList<>();
        List<ScheduledExecutorService> schedulers = new ArrayList<>();
        try {
            for (int node = 0; node < 3; node++) {
                // --- example: what each node runs ---
                Warden warden = Warden.connect(server.uri());
                TaskLock sweep = warden.task("queue-sweep")
                        .lockAtMostFor(Duration.ofMinutes(5))
                        .lockAtLeastFor(Duration.ofMillis(300)); // nodes' clocks and timers drift a little
                ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
                scheduler.scheduleAtFixedRate(
                        () -> sweep.runIfFree(runs::incrementAndGet), 0, 400, TimeUnit.MILLISECONDS);
                // --- end of example ---
                nodes.add(warden);
                schedulers.add(scheduler);
            }
            Thread.sleep(4_000);
        } finally {
            schedulers.forEach(ScheduledExecutorService::shutdownNow);
            for (ScheduledExecutorService scheduler : schedulers) {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            }
            nodes.forEach(Warden::close);
        }
        // 4 s at one run per 400 ms period is about 10 runs; three nodes without a lock would make 30.
        assertThat(runs.get()).isBetween(6, 14);
    }
}
