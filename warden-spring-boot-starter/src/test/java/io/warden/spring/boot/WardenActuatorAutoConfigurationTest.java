package io.warden.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.Warden;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.Map;
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
}
