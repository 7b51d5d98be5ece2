/**
 * Spring Integration on Warden: {@link io.warden.spring.integration.WardenLockRegistry}, an {@code
 * ExpirableLockRegistry} and {@code RenewableLockRegistry} that replaces {@code RedisLockRegistry}
 * by swapping one bean.
 */
@NullMarked
package io.warden.spring.integration;

import org.jspecify.annotations.NullMarked;
