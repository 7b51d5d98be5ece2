package io.warden.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.Warden;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Every branch of {@link WardenAutoConfiguration}, each against a real Redis started for the test: a
 * lock taken through the bean must show up as a key on the server the settings name.
 */
@WithRedis
class WardenAutoConfigurationTest {
    private final RedisServer server;

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WardenAutoConfiguration.class));

    WardenAutoConfigurationTest(RedisServer server) {
        this.server = server;
    }

    private static boolean holds(RedisServer redis, String key) {
        return ((Long) redis.command("EXISTS", key)) == 1L;
    }

    private static void assertLockLandsOn(Warden warden, RedisServer redis, String key) throws InterruptedException {
        try (Lease lease = warden.lock("orders:42").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.isHeld()).isTrue();
            assertThat(holds(redis, key)).as("key %s on %s", key, redis).isTrue();
        }
    }

    /** Every message in a startup failure's cause chain: the property may be named at any level. */
    private static String messages(Throwable failure) {
        List<String> all = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.add(String.valueOf(t.getMessage()));
        }
        return String.join(" | ", all);
    }

    @Test
    void wardenPropertiesAloneGiveAConnectedWardenWithTheirSettings() {
        runner.withPropertyValues(
                        "warden.uri=" + server.uri(),
                        "warden.key-prefix=billing",
                        "warden.lease-time=20s",
                        "warden.wait-time=2s",
                        "warden.command-timeout=2s",
                        "warden.fencing-tokens=COUNTER")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Warden.class);
                    Warden warden = context.getBean(Warden.class);
                    assertLockLandsOn(warden, server, "billing:{orders:42}");
                    try (Lease lease = warden.lock("counted").acquire(Duration.ofSeconds(1))) {
                        // COUNTER tokens are small: the first one for a new name is 1.
                        assertThat(lease.fencingToken()).isEqualTo(1L);
                    }
                });
    }

    @Test
    void springDataRedisConnectionIsUsedWhenWardenUriIsNotSet(RedisServer other) {
        runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues(
                        "spring.data.redis.host=" + other.host(),
                        "spring.data.redis.port=" + other.port(),
                        "spring.data.redis.timeout=2s")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Warden.class);
                    assertLockLandsOn(context.getBean(Warden.class), other, "warden:{orders:42}");
                    assertThat(holds(server, "warden:{orders:42}")).isFalse();
                });
    }

    @Test
    void wardenUriWinsOverSpringDataRedis(RedisServer other) {
        runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues(
                        "spring.data.redis.host=" + other.host(),
                        "spring.data.redis.port=" + other.port(),
                        "warden.uri=" + server.uri())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Warden warden = context.getBean(Warden.class);
                    try (Lease lease = warden.lock("orders:42").acquire(Duration.ofSeconds(5))) {
                        assertThat(holds(server, "warden:{orders:42}")).isTrue();
                        assertThat(holds(other, "warden:{orders:42}")).isFalse();
                    }
                });
    }

    @Test
    void withoutSpringDataRedisOnTheClassPathWardenPropertiesStillWork() {
        runner.withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class))
                .withPropertyValues("warden.uri=" + server.uri())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertLockLandsOn(context.getBean(Warden.class), server, "warden:{orders:42}");
                });
    }

    @Test
    void anApplicationsOwnWardenBeanWinsAndIsNotConfiguredFromProperties() {
        Warden own = Warden.builder().uri(server.uri()).keyPrefix("own").build();
        try {
            // An unreachable warden.uri would fail startup if the auto-configuration tried to connect.
            runner.withBean(Warden.class, () -> own)
                    .withPropertyValues("warden.uri=redis://127.0.0.1:1", "warden.command-timeout=200ms")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(Warden.class);
                        assertThat(context.getBean(Warden.class)).isSameAs(own);
                    });
        } finally {
            own.close();
        }
    }

    @Test
    void customizersAdjustTheBuilderAfterTheProperties() {
        runner.withPropertyValues("warden.uri=" + server.uri(), "warden.key-prefix=from-properties")
                .withBean(WardenBuilderCustomizer.class, () -> builder -> builder.keyPrefix("customized"))
                .run(context -> assertLockLandsOn(context.getBean(Warden.class), server, "customized:{orders:42}"));
    }

    @Test
    void theWardenIsClosedWithTheContext() {
        Warden[] seen = new Warden[1];
        runner.withPropertyValues("warden.uri=" + server.uri()).run(context -> {
            Warden warden = context.getBean(Warden.class);
            seen[0] = warden;
            warden.lock("held-at-shutdown").acquire(Duration.ofSeconds(1));
            assertThat(holds(server, "warden:{held-at-shutdown}")).isTrue();
        });
        // Closing released the lease it still held, and the Warden refuses new work.
        assertThat(holds(server, "warden:{held-at-shutdown}")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> seen[0].lock("after"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void disabledByProperty() {
        runner.withPropertyValues("warden.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Warden.class));
    }

    @Test
    void aValueTheBuilderRefusesFailsStartupNamingTheProperty() {
        assertStartupFailsNaming("warden.lease-time", "warden.lease-time=0s");
        assertStartupFailsNaming("warden.key-prefix", "warden.key-prefix=a{b}");
        assertStartupFailsNaming("warden.renewals-per-lease", "warden.renewals-per-lease=1");
        assertStartupFailsNaming("warden.wait-time", "warden.wait-time=-1s");
        assertStartupFailsNaming("warden.command-timeout", "warden.command-timeout=0ms");
        assertStartupFailsNaming(
                "warden.replica-acks", "warden.replica-acks.count=1", "warden.replica-acks.timeout=0s");
        assertStartupFailsNaming("warden.redlock.nodes", "warden.uri=", "warden.redlock.nodes=redis://a:1,redis://b:2");
        assertStartupFailsNaming("warden.sentinel.master", "warden.uri=", "warden.sentinel.nodes=localhost:26379");
    }

    @Test
    void aValueThatDoesNotParseFailsStartupNamingTheProperty() {
        assertStartupFailsNaming("warden.lease-time", "warden.lease-time=thirty seconds");
        assertStartupFailsNaming("warden.fencing-tokens", "warden.fencing-tokens=RANDOM");
        assertStartupFailsNaming("warden.uri", "warden.uri=http://[::not-a-uri");
    }

    @Test
    void twoWaysOfNamingRedisFailStartupNamingBoth() {
        runner.withPropertyValues("warden.uri=" + server.uri(), "warden.cluster.nodes=localhost:7000")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure()))
                            .contains("warden.uri")
                            .contains("warden.cluster.nodes");
                });
    }

    private void assertStartupFailsNaming(String property, String... values) {
        runner.withPropertyValues("warden.uri=" + server.uri())
                .withPropertyValues(values)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure())).contains(property);
                });
    }
}
