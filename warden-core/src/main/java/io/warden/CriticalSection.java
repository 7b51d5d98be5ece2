package io.warden;

import org.jspecify.annotations.Nullable;

/**
 * Work to run while holding a lock: {@link DistributedLock#callLocked}. May throw a checked
 * exception of type {@code E}, which Warden propagates unchanged.
 *
 * @param <T> the result type
 * @param <E> the checked exception the work may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface CriticalSection<T extends @Nullable Object, E extends Exception> {
    T run() throws E;
}
