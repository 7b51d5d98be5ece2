package io.warden.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.Permit;
import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The Actuator side of the starter, against a real Redis: health, and the wardenlocks endpoint. */
@WithRedis
class WardenActuatorAutoConfigurationTest {
    private final RedisServer server;
    private final ApplicationContextRunner runner;

    WardenActuatorAutoConfigurationTest(RedisServer server) {
        this.server = server;
        this.runner = new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(WardenAutoConfiguration.class, WardenActuatorAutoConfiguration.class))
                .withPropertyValues(
                        "warden.uri=" + server.uri(),
                        "warden.command-timeout=500ms",
                        "management.endpoints.web.exposure.include=wardenlocks");
    }

    @Test
    void withoutActuatorThereIsNoIndicatorNorEndpointAndTheWardenStillWorks() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, Endpoint.class))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Warden.class);
                    assertThat(context).doesNotHaveBean(WardenHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(WardenLocksEndpoint.class);
                });
    }

    @Test
    void healthIsUpWhileRedisAnswersAndDownWhenItDoesNot() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(WardenHealthIndicator.class);
            Health up = context.getBean(WardenHealthIndicator.class).health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("watchdog", "ok").containsKey("roundTripMillis");

            server.kill();
            Health down = context.getBean(WardenHealthIndicator.class).health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.warden.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WardenHealthIndicator.class));
    }

    @Test
    void theEndpointIsOnlyCreatedWhenExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WardenLocksEndpoint.class));
    }

    @Test
    void theEndpointListsHeldLocksWithHolderTokenAndTtlAndForceUnlocks() {
        runner.run(context -> {
            Warden warden = context.getBean(Warden.class);
            WardenLocksEndpoint endpoint = context.getBean(WardenLocksEndpoint.class);
            try (Lease lease = warden.lock("orders:1").acquire(Duration.ofSeconds(1))) {
                warden.lock("other").acquire(Duration.ofSeconds(1)).release();

                WardenLocksEndpoint.Locks all = endpoint.locks(null);
                assertThat(all.locks()).hasSize(1);
                WardenLocksEndpoint.LockView view = all.locks().get(0);
                assertThat(view.name()).isEqualTo("orders:1");
                assertThat(view.state()).isEqualTo("HELD");
                assertThat(view.holder()).isNotNull();
                assertThat(view.holder().fencingToken()).isEqualTo(lease.fencingToken());
                assertThat(view.ttlMillis()).isBetween(1L, 30_000L);
                assertThat(endpoint.locks("orders:").locks()).hasSize(1);
                assertThat(endpoint.locks("nope").locks()).isEmpty();
                assertThat(endpoint.lock("other").state()).isEqualTo("FREE");

                Map<String, Object> removed = endpoint.forceUnlock("orders:1");
                assertThat(removed).containsEntry("removed", true);
                assertThat(((WardenLocksEndpoint.LockView) removed.get("lock"))
                                .holder()
                                .fencingToken())
                        .isEqualTo(lease.fencingToken());
                assertThat(server.command("EXISTS", "warden:{orders:1}")).isEqualTo(0L);
                assertThat(endpoint.forceUnlock("orders:1")).containsEntry("removed", false);
            } catch (io.warden.LeaseNotHeldException expected) {
                // The lease was force-unlocked under its holder: releasing it reports that.
            }
        });
    }

    @Test
    void theEndpointListsSemaphoresWithTheirHoldersAndReadWriteLocksWithWriterAndReaders() {
        runner.run(context -> {
            Warden warden = context.getBean(Warden.class);
            WardenLocksEndpoint endpoint = context.getBean(WardenLocksEndpoint.class);
            Permit two = warden.semaphore("api", 4).acquire(2, Duration.ZERO);
            Permit one = warden.semaphore("api", 4).acquire(Duration.ZERO);
            Lease writer = warden.readWriteLock("catalog").writeLock().acquire(Duration.ZERO);
            Lease reader = warden.readWriteLock("prices").readLock().acquire(Duration.ZERO);
            try {
                WardenLocksEndpoint.Locks all = endpoint.locks(null);

                assertThat(all.locks())
                        .as("semaphores and read-write locks have lists of their own")
                        .isEmpty();
                assertThat(all.semaphores()).hasSize(1);
                WardenLocksEndpoint.SemaphoreView api = all.semaphores().get(0);
                assertThat(api.name()).isEqualTo("api");
                assertThat(api.permits()).isEqualTo(4);
                assertThat(api.unitsHeld()).isEqualTo(3);
                assertThat(api.holders())
                        .extracting(WardenLocksEndpoint.PermitView::units)
                        .containsExactlyInAnyOrder(1, 2);
                assertThat(api.holders()).allSatisfy(permit -> {
                    assertThat(permit.holder()).isNotNull();
                    assertThat(permit.holder().pid())
                            .isEqualTo(ProcessHandle.current().pid());
                    assertThat(permit.ttlMillis()).isBetween(1L, 30_000L);
                });
                assertThat(api.holders())
                        .extracting(permit -> permit.holder().fencingToken())
                        .containsExactlyInAnyOrder(one.fencingToken(), two.fencingToken());

                assertThat(all.readWriteLocks())
                        .extracting(WardenLocksEndpoint.ReadWriteView::name)
                        .containsExactly("catalog", "prices");
                WardenLocksEndpoint.ReadWriteView catalog = all.readWriteLocks().get(0);
                assertThat(catalog.state()).isEqualTo("HELD");
                assertThat(catalog.writer()).isNotNull();
                assertThat(catalog.writer().holder().fencingToken()).isEqualTo(writer.fencingToken());
                assertThat(catalog.readers()).isEmpty();
                WardenLocksEndpoint.ReadWriteView prices = all.readWriteLocks().get(1);
                assertThat(prices.writer()).isNull();
                assertThat(prices.readers()).hasSize(1);
                assertThat(prices.readers().get(0).holder().fencingToken()).isEqualTo(reader.fencingToken());
                assertThat(prices.readers().get(0).ttlMillis()).isBetween(1L, 30_000L);

                assertThat(endpoint.locks("pri").readWriteLocks()).hasSize(1);
                assertThat(endpoint.locks("pri").semaphores()).isEmpty();
            } finally {
                two.close();
                one.close();
                writer.close();
                reader.close();
            }
            assertThat(endpoint.locks(null).readWriteLocks()).isEmpty();
            assertThat(endpoint.locks(null).semaphores())
                    .singleElement()
                    .satisfies(api -> assertThat(api.unitsHeld()).isZero());
        });
    }

    @Test
    void theEndpointShowsAFairLocksQueueAndItsNextWaiter() {
        runner.run(context -> {
            Warden warden = context.getBean(Warden.class);
            WardenLocksEndpoint endpoint = context.getBean(WardenLocksEndpoint.class);
            try (Lease lease = warden.fairLock("settle").acquire(Duration.ofSeconds(5));
                    Warden other = Warden.builder().uri(server.uri()).build()) {
                CompletableFuture<Lease> waiting = other.fairLock("settle").acquireAsync(Duration.ofSeconds(60));
                Await.until(
                        "queued",
                        Duration.ofSeconds(10),
                        () -> Long.valueOf(1).equals(server.command("ZCARD", "warden:{settle}:queue")));

                WardenLocksEndpoint.LockView view = endpoint.lock("settle");
                assertThat(view.queued()).isEqualTo(1);
                assertThat(view.nextInQueue()).isNotNull();
                assertThat(view.nextInQueue().pid())
                        .isEqualTo(ProcessHandle.current().pid());
                assertThat(endpoint.locks(null).locks())
                        .singleElement()
                        .satisfies(listed -> assertThat(listed.queued()).isEqualTo(1));
                waiting.cancel(true);
            }
        });
    }
}
