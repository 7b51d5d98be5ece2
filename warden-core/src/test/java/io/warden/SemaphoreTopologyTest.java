package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.RedisCluster;
import io.warden.testkit.SentinelGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A basic semaphore contract on Sentinel and on a 3-master Cluster: every key of a semaphore (state,
 * holders, each permit, counter) lives in its name's hash slot, so the scripts run there, releases
 * wake waiters over (sharded) pub/sub, and the watchdog renews permits.
 */
class SemaphoreTopologyTest {
    private static RedisCluster cluster;
    private static SentinelGroup sentinel;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.builder().masters(3).start();
        sentinel = SentinelGroup.builder().start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void onACluster() throws Exception {
        contract(b -> b.uri(cluster.uri()), "cluster");
    }

    @Test
    void throughSentinel() throws Exception {
        contract(b -> b.uri(sentinel.uri()), "sentinel");
    }

    private static void contract(UnaryOperator<Warden.Builder> target, String name) throws Exception {
        try (Warden a = target.apply(Warden.builder().defaultLeaseTime(Duration.ofMillis(900)))
                        .build();
                Warden b = target.apply(Warden.builder()).build()) {
            for (String semaphore : List.of(name + ":x", name + ":y", name + ":z")) {
                DistributedSemaphore onA = a.semaphore(semaphore, 2);
                DistributedSemaphore onB = b.semaphore(semaphore, 2);
                Permit first = onA.acquire(Duration.ZERO);
                Permit second = onA.acquire(Duration.ZERO);
                assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
                assertThat(onB.tryAcquire()).isEmpty();
                assertThatThrownBy(() -> b.semaphore(semaphore, 3).tryAcquire())
                        .isInstanceOf(PermitCountMismatchException.class);
                CompletableFuture<Permit> waiting = onB.acquireAsync(Duration.ofSeconds(20));
                Thread.sleep(1_500); // past the lease: the watchdog must have renewed both
                assertThat(first.isHeld() && second.isHeld()).isTrue();
                assertThat(waiting).isNotDone();
                SemaphoreInfo info = b.admin().inspectSemaphore(semaphore);
                assertThat(info.permits()).contains(2);
                assertThat(info.unitsHeld()).isEqualTo(2);
                first.release();
                Permit woken = waiting.get(5, TimeUnit.SECONDS);
                assertThat(woken.fencingToken()).isGreaterThan(second.fencingToken());
                woken.release();
                second.release();
                assertThat(b.admin().inspectSemaphore(semaphore).holders()).isEmpty();
            }
        }
    }
}
