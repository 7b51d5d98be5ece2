package io.warden.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.warden.Lease;
import io.warden.Warden;
import io.warden.micrometer.WardenMeterBinder;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The metrics side of the starter, against a real Redis, with Boot's own metrics auto-configuration
 * (a SimpleMeterRegistry) as an application with Actuator has it: Warden's events (acquisitions, task
 * skips, losses) reach the registry with no code, the warden.metrics.* properties shape the meters,
 * and an application without Micrometer still starts.
 */
@WithRedis
class WardenMetricsAutoConfigurationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RedisServer server;
    private final ApplicationContextRunner runner;

    WardenMetricsAutoConfigurationTest(RedisServer server) {
        this.server = server;
        this.runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        WardenAutoConfiguration.class,
                        WardenMetricsAutoConfiguration.class,
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues("warden.uri=" + server.uri(), "warden.command-timeout=2s");
    }

    static class Reports {
        @WardenTask(name = "metered-report", lockAtMostFor = "30s", lockAtLeastFor = "30s")
        public int report() {
            return 1;
        }
    }

    private static Supplier<Boolean> counted(MeterRegistry registry, String name, String tag, String value) {
        return () -> {
            Meter meter = registry.find(name).tag(tag, value).meter();
            return meter != null && count(meter) >= 1;
        };
    }

    private static double count(Meter meter) {
        return meter instanceof Timer timer
                ? timer.count()
                : meter.measure().iterator().next().getValue();
    }

    @Test
    void anAcquisitionThroughTheWardenBeanIsCountedInBootsRegistry() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(WardenMeterBinder.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(Warden.class)
                    .lock("orders:1")
                    .acquire(Duration.ZERO)
                    .release();

            Await.until(
                    "the acquisition recorded",
                    WAIT,
                    () -> counted(registry, WardenMeterBinder.ACQUIRE, "outcome", "acquired")
                            .get());
            Timer acquired = registry.get(WardenMeterBinder.ACQUIRE)
                    .tag("outcome", "acquired")
                    .timer();
            assertThat(acquired.count()).isEqualTo(1);
            assertThat(acquired.getId().getTag(WardenMeterBinder.LOCK_TAG))
                    .as("no lock tag by default (cardinality)")
                    .isNull();
        });
    }

    @Test
    void aWardenTaskSkipIsCountedAsSkipped() {
        runner.withBean(Reports.class).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Reports reports = context.getBean(Reports.class);
            assertThat(reports.report()).isEqualTo(1);
            // lockAtLeastFor keeps the lock for 30 s after the run: the second call skips.
            assertThat(reports.report()).isZero();

            Await.until(
                    "the skip recorded",
                    WAIT,
                    () -> counted(registry, WardenMeterBinder.TASK, "outcome", "skipped")
                            .get());
            assertThat(registry.get(WardenMeterBinder.TASK)
                            .tag("outcome", "skipped")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get(WardenMeterBinder.TASK)
                            .tag("outcome", "ran")
                            .counter()
                            .count())
                    .isEqualTo(1);
        });
    }

    @Test
    void aLeaseDeletedBehindTheHoldersBackIsCountedAsLostWithItsCause() {
        // A short lease: the watchdog renews every 200 ms and finds the key gone at once.
        runner.withPropertyValues("warden.lease-time=600ms").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Lease lease = context.getBean(Warden.class).lock("deleted").acquire(Duration.ZERO);
            assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                    .isEqualTo(1);

            server.command("DEL", "warden:{deleted}");
            lease.lostFuture().toCompletableFuture().get(5, TimeUnit.SECONDS);

            Await.until(
                    "the loss recorded",
                    WAIT,
                    () -> counted(registry, WardenMeterBinder.LEASES_LOST, "cause", "key_deleted")
                            .get());
            assertThat(registry.get(WardenMeterBinder.LEASES_HELD).gauge().value())
                    .isZero();
        });
    }

    @Test
    void lockNameTagsAreOptIn() {
        runner.withPropertyValues("warden.metrics.lock-name-tags=true").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(Warden.class)
                    .lock("orders:7")
                    .acquire(Duration.ZERO)
                    .release();

            Await.until(
                    "the acquisition recorded with its lock name",
                    WAIT,
                    () -> counted(registry, WardenMeterBinder.ACQUIRE, WardenMeterBinder.LOCK_TAG, "orders:7")
                            .get());
            assertThat(registry.get(WardenMeterBinder.ACQUIRE)
                            .tags("outcome", "acquired", WardenMeterBinder.LOCK_TAG, "orders:7")
                            .timer()
                            .count())
                    .isEqualTo(1);
        });
    }

    /** Records, per meter name, whether its builder asked for a percentile histogram; Boot applies it to the registry. */
    static final class HistogramsAsked implements MeterFilter {
        final Map<String, Boolean> asked = new ConcurrentHashMap<>();

        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            asked.merge(id.getName(), Boolean.TRUE.equals(config.isPercentileHistogram()), Boolean::logicalOr);
            return config;
        }
    }

    @Test
    void percentileHistogramsAreOptIn() {
        // SimpleMeterRegistry publishes no aggregable histograms, so ask what the binder asked for.
        runner.withBean(HistogramsAsked.class).run(context -> {
            assertThat(context.getBean(HistogramsAsked.class).asked)
                    .containsEntry(WardenMeterBinder.ACQUIRE, false)
                    .containsEntry(WardenMeterBinder.HELD, false);
        });
        runner.withBean(HistogramsAsked.class)
                .withPropertyValues("warden.metrics.percentile-histograms=true")
                .run(context -> {
                    assertThat(context.getBean(HistogramsAsked.class).asked)
                            .containsEntry(WardenMeterBinder.ACQUIRE, true)
                            .containsEntry(WardenMeterBinder.HELD, true);
                });
    }

    @Test
    void metricsCanBeSwitchedOff() {
        runner.withPropertyValues("warden.metrics.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Warden.class).doesNotHaveBean(WardenMeterBinder.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(Warden.class)
                    .lock("orders:1")
                    .acquire(Duration.ZERO)
                    .release();
            assertThat(registry.find(WardenMeterBinder.ACQUIRE).meters()).isEmpty();
            assertThat(registry.find(WardenMeterBinder.LEASES_HELD).meters()).isEmpty();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBinder {
        @Bean
        WardenMeterBinder myWardenMeterBinder(Warden warden) {
            return new WardenMeterBinder(warden).withLockNameTags();
        }
    }

    @Test
    void anApplicationsOwnBinderWins() {
        runner.withUserConfiguration(OwnBinder.class).run(context -> {
            assertThat(context).hasSingleBean(WardenMeterBinder.class).hasBean("myWardenMeterBinder");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(Warden.class).lock("mine").acquire(Duration.ZERO).release();
            Await.until(
                    "recorded by the application's binder (lock-tagged)",
                    WAIT,
                    () -> counted(registry, WardenMeterBinder.ACQUIRE, WardenMeterBinder.LOCK_TAG, "mine")
                            .get());
        });
    }

    @Test
    void theBinderStopsRecordingWhenTheContextCloses() throws Exception {
        // A Warden that outlives the context: not closed with it, so events after the close still happen.
        try (Warden outliving = Warden.builder()
                .uri(server.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build()) {
            Timer[] acquired = new Timer[1];
            runner.withBean(Warden.class, () -> outliving, bd -> ((AbstractBeanDefinition) bd).setDestroyMethodName(""))
                    .run(context -> {
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        outliving.lock("before").acquire(Duration.ZERO).release();
                        Await.until(
                                "the acquisition recorded",
                                WAIT,
                                () -> counted(registry, WardenMeterBinder.ACQUIRE, "outcome", "acquired")
                                        .get());
                        acquired[0] = registry.get(WardenMeterBinder.ACQUIRE)
                                .tag("outcome", "acquired")
                                .timer();
                    });
            outliving.lock("after").acquire(Duration.ZERO).release();
            Await.sleep(300); // recording is asynchronous; give a stray listener time to record
            assertThat(acquired[0].count())
                    .as("acquisitions recorded after close")
                    .isEqualTo(1);
        }
    }

    @Test
    void withoutMicrometerTheApplicationStartsWithoutABinder() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Warden.class).doesNotHaveBean(WardenMeterBinder.class);
            context.getBean(Warden.class).lock("plain").acquire(Duration.ZERO).release();
        });
    }

    @Test
    void withoutWardenMicrometerTheApplicationStartsWithoutABinder() {
        runner.withClassLoader(new FilteredClassLoader(WardenMeterBinder.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(Warden.class)
                        .doesNotHaveBean(WardenMeterBinder.class));
    }
}
