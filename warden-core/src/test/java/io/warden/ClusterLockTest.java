package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisCluster;
import io.warden.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lock contract on a 3-master Redis Cluster (one cluster for the class, emptied before each
 * test), plus what only a Cluster has: keys spread over slots and nodes, sharded release channels.
 */
class ClusterLockTest extends LockContract {
    static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.builder().masters(3).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void emptyCluster() {
        for (RedisServer master : cluster.masters()) {
            master.flushAll();
        }
    }

    @Override
    public Warden.Builder target(Warden.Builder builder) {
        return builder.uri(cluster.uri());
    }

    @Override
    public Object redis(String key, String... command) {
        return cluster.command(key, command);
    }

    @Override
    public long subscribers(String channel) {
        // Redis 7 Clusters carry release messages on sharded channels, counted separately.
        String kind = cluster.masters().get(0).version().startsWith("6.") ? "NUMSUB" : "SHARDNUMSUB";
        List<?> reply = (List<?>) cluster.command(channel, "PUBSUB", kind, channel);
        return (Long) reply.get(1);
    }

    @Test
    void locksSpreadOverEveryMasterAndEachKeepsItsKeysInOneSlot() throws Exception {
        Warden warden = wardens.open(b -> b.fencingTokens(FencingTokens.COUNTER));
        List<Lease> leases = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String name = "spread-" + i;
            Lease lease = lock(warden, name).acquire(Duration.ZERO);
            leases.add(lease);
            String key = "warden:{" + name + "}";
            RedisServer owner = cluster.masterOf(key);
            ports.add(owner.port());
            assertThat(owner.command("EXISTS", key)).isEqualTo(1L);
            assertThat(RedisCluster.slotOf(key + ":fence")).isEqualTo(RedisCluster.slotOf(key));
            assertThat(lease.fencingToken()).isEqualTo(1L);
        }
        assertThat(ports).as("masters holding locks").hasSize(3);
        leases.forEach(Lease::release);
    }

    @Test
    void theWatchdogRenewsLeasesOnEveryNode() throws Exception {
        Warden warden = wardens.open();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            leases.add(lock(warden, "watched-" + i)
                    .acquire(
                            Duration.ZERO,
                            LeaseOptions.leaseTime(Duration.ofMillis(900)).withWatchdog(true)));
        }
        Thread.sleep(2_500); // almost three leases: only renewals keep them
        for (Lease lease : leases) {
            assertThat(lease.isHeld()).as(lease.lockName()).isTrue();
            assertThat(redis("warden:{" + lease.lockName() + "}", "EXISTS", "warden:{" + lease.lockName() + "}"))
                    .isEqualTo(1L);
        }
        assertThat(warden.metrics().renewalCalls())
                .as("renewal script calls are per slot, not per tick")
                .isGreaterThan(0);
        leases.forEach(Lease::release);
    }
}
