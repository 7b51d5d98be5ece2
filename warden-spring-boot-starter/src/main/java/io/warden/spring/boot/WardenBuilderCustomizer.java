package io.warden.spring.boot;

import io.warden.Warden;

/**
 * A bean that adjusts the auto-configured {@link Warden.Builder} after the {@code warden.*} settings
 * were applied and before it connects: for settings that have no property (a {@link
 * io.warden.Backoff}, a callback executor). Applied in {@link org.springframework.core.Ordered order}.
 * Not applied when the application defines its own {@link Warden} bean.
 */
@FunctionalInterface
public interface WardenBuilderCustomizer {
    void customize(Warden.Builder builder);
}
