package io.warden.spring.boot;

import io.warden.Warden;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link Warden} bean from {@code warden.*} (see {@link WardenProperties}), or from Spring Data
 * Redis's connection when {@code warden.*} does not say where Redis is. Connects at startup, so an
 * unreachable Redis or a bad setting stops the application with a message naming the cause; closed
 * when the context closes. An application's own {@link Warden} bean replaces it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnProperty(prefix = "warden", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WardenProperties.class)
public final class WardenAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Warden warden(
            WardenProperties properties,
            ObjectProvider<RedisTarget> fallback,
            ObjectProvider<WardenBuilderCustomizer> customizers) {
        WardenSettings settings = new WardenSettings(properties);
        Warden.Builder builder = settings.builder(settings.namesTarget() ? null : fallback.getIfAvailable());
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /**
     * Checks {@link WardenLocked} and {@link WardenTask} methods when their beans are created and
     * proxies them. Static: a post-processor must not make this configuration be created early.
     */
    @Bean
    @ConditionalOnMissingBean
    static WardenAnnotationPostProcessor wardenAnnotationPostProcessor() {
        return new WardenAnnotationPostProcessor();
    }

    /** Spring Data Redis's connection, used when {@code warden.*} names no Redis. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(DataRedisConnectionDetails.class)
    @ConditionalOnBean(DataRedisConnectionDetails.class)
    static final class DataRedisConnection {
        @Bean
        @ConditionalOnMissingBean(Warden.class)
        RedisTarget wardenDataRedisTarget(
                DataRedisConnectionDetails details, ObjectProvider<DataRedisProperties> properties) {
            return new DataRedisTarget(details, properties.getIfAvailable());
        }
    }
}
