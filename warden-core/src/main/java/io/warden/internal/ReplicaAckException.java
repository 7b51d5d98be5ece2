package io.warden.internal;

/**
 * A write reached the master but fewer replicas than configured acknowledged it in time (WAIT).
 * Internal: {@link Failures} turns it into a {@code RedisUnavailableException} naming the lock.
 */
final class ReplicaAckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReplicaAckException(String detail) {
        super(detail, null, false, false);
    }
}
