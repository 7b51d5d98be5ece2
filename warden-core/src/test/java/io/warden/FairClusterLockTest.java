package io.warden;

/**
 * The lock contract, and the Cluster's own checks, held against {@link Warden#fairLock} on a
 * 3-master Redis Cluster: every key of a fair lock (queue, tickets) and its wake channels share the
 * lock's hash tag, so each script runs on one node and each wake is a sharded message of that slot.
 */
class FairClusterLockTest extends ClusterLockTest {

    @Override
    protected DistributedLock lock(Warden warden, String name) {
        return warden.fairLock(name);
    }

    @Override
    public long subscribers(String channel) {
        return FairLockTest.wakeSubscribers(
                this, channel, !cluster.masters().get(0).version().startsWith("6."));
    }
}
