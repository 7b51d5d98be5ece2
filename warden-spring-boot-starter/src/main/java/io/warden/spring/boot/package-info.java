/**
 * Spring Boot support for Warden: {@link io.warden.spring.boot.WardenAutoConfiguration} (a {@link
 * io.warden.Warden} bean from {@link io.warden.spring.boot.WardenProperties warden.*} or Spring Data
 * Redis), the {@link io.warden.spring.boot.WardenLocked} and {@link io.warden.spring.boot.WardenTask}
 * method annotations, and, with Actuator, {@link io.warden.spring.boot.WardenHealthIndicator} and
 * {@link io.warden.spring.boot.WardenLocksEndpoint}; with Micrometer, {@link
 * io.warden.spring.boot.WardenMetricsAutoConfiguration} (Warden's meters in every registry Boot
 * manages). Types not public here are internals.
 */
@NullMarked
package io.warden.spring.boot;

import org.jspecify.annotations.NullMarked;
