package io.warden;

/**
 * Work to run while holding a lock: {@link DistributedLock#callLocked}. May throw a checked
 * exception of type {@code E}, which Warden propagates unchanged.
 *
 * @param <T> the result type
 * @param <E> the checked exception the work may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface CriticalSection<T, E extends Exception> {
    T run() throws E;
}
