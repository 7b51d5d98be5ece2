package io.warden;

import io.warden.testkit.RedisServer;
import io.warden.testkit.SentinelGroup;
import java.time.Duration;

/**
 * Sentinel failover under load (one master, one replica, three sentinels): the master is killed,
 * the sentinels promote the replica, and Wardens connected with a {@code redis-sentinel://} URI
 * follow. Leases the new master does not have are reported lost, never silently assumed held. The
 * tests are the {@link FailoverContract}'s; this class says how to run them on Sentinel.
 */
class SentinelFailoverTest extends FailoverContract {
    private SentinelGroup group;

    @Override
    protected void startTopology() {
        group = SentinelGroup.builder().start();
    }

    @Override
    protected void stopTopology() {
        if (group != null) {
            group.close();
        }
    }

    @Override
    protected Warden.Builder target(Warden.Builder builder) {
        return builder.uri(group.uri());
    }

    /** The master the sentinels name: it holds every key. */
    @Override
    protected RedisServer masterOf(String key) {
        return group.master();
    }

    @Override
    protected RedisServer killMasterOf(String key) {
        RedisServer master = group.master();
        master.kill();
        return master;
    }

    @Override
    protected void awaitFailover(RedisServer killed, Duration timeout) {
        group.awaitFailover(killed, timeout);
    }
}
