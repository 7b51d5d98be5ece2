package io.warden.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.warden.Warden;
import io.warden.micrometer.WardenMeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer on the class path: a {@link WardenMeterBinder} bean for the {@link Warden} bean
 * (auto-configured or the application's own), which Spring Boot's metrics auto-configuration binds
 * to every {@link MeterRegistry} it manages, so {@code warden.lock.acquire}, {@code warden.task} and
 * the binder's other meters appear in {@code /actuator/metrics} and every exporter with no code.
 * {@code warden.metrics.lock-name-tags} and {@code warden.metrics.percentile-histograms} configure
 * it; {@code warden.metrics.enabled=false} turns it off; an application's own {@link
 * WardenMeterBinder} bean replaces it.
 *
 * <p>The binder stops recording when the context closes, before the Warden is closed. <b>Not
 * done:</b> binding to registries that Boot does not manage; an application that creates its own
 * registry outside the context calls {@link WardenMeterBinder#bindTo} itself.
 */
@AutoConfiguration(
        after = WardenAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass({MeterRegistry.class, WardenMeterBinder.class})
@ConditionalOnBean(Warden.class)
@ConditionalOnProperty(prefix = "warden.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WardenProperties.class)
public final class WardenMetricsAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    WardenMeterBinder wardenMeterBinder(Warden warden, WardenProperties properties) {
        WardenProperties.Metrics metrics = properties.getMetrics();
        WardenMeterBinder binder = new WardenMeterBinder(warden);
        if (metrics.isLockNameTags()) {
            binder = binder.withLockNameTags();
        }
        if (metrics.isPercentileHistograms()) {
            binder = binder.withPercentileHistograms();
        }
        return binder;
    }
}
