package io.warden.spring.boot;

import io.warden.Warden;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Actuator on the class path: the {@code warden} health indicator ({@link WardenHealthIndicator},
 * off with {@code management.health.warden.enabled=false}) and the {@code wardenlocks} endpoint
 * ({@link WardenLocksEndpoint}, when exposed). Both need a {@link Warden} bean, auto-configured or
 * the application's own.
 */
@AutoConfiguration(after = WardenAutoConfiguration.class)
@ConditionalOnBean(Warden.class)
public final class WardenActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("warden")
    static final class Health {
        @Bean
        @ConditionalOnMissingBean(name = "wardenHealthIndicator")
        WardenHealthIndicator wardenHealthIndicator(Warden warden) {
            return new WardenHealthIndicator(warden);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(WardenLocksEndpoint.class)
    static final class Locks {
        @Bean
        @ConditionalOnMissingBean
        WardenLocksEndpoint wardenLocksEndpoint(Warden warden) {
            return new WardenLocksEndpoint(warden);
        }
    }
}
