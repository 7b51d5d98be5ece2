package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.Await;
import io.warden.testkit.RedisCluster;
import io.warden.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis Cluster under faults. The failover contract kills the master owning a lock's slot (3
 * masters, 1 replica each) under load; here, besides, a slot is migrated between masters while
 * locks in it are taken, renewed and released. What must never happen is a silent loss or two
 * holders at once.
 */
class ClusterFaultTest extends FailoverContract {
    private RedisCluster cluster;

    @Override
    protected void startTopology() {
        cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start();
    }

    @Override
    protected void stopTopology() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Warden.Builder target(Warden.Builder builder) {
        return builder.uri(cluster.uri());
    }

    @Override
    protected RedisServer masterOf(String key) {
        return cluster.masterOf(key);
    }

    @Override
    protected RedisServer killMasterOf(String key) {
        return cluster.killMasterOf(key);
    }

    /** The killed master's replica takes over about two node timeouts later. */
    @Override
    protected void awaitFailover(RedisServer killed, Duration timeout) {
        cluster.awaitHealthy(timeout);
    }

    private Warden open(Duration lease) {
        return wardens.open(b -> b.defaultLeaseTime(lease).commandTimeout(Duration.ofSeconds(2)));
    }

    @Test
    void migratingASlotUnderLoadNeitherLosesNorDuplicatesALock() throws Exception {
        cluster = RedisCluster.builder().masters(3).start();
        wardens = new WardenFixture(b -> b.uri(cluster.uri()));
        int slot = RedisCluster.slotOf("warden:{hot}");
        // Names whose keys share the hot lock's slot: held across the migration.
        List<String> sameSlot = new ArrayList<>();
        for (int i = 0; sameSlot.size() < 15; i++) {
            if (RedisCluster.slotOf("warden:{slot-mate-" + i + "}") == slot) {
                sameSlot.add("slot-mate-" + i);
            }
        }
        Warden holder = open(Duration.ofSeconds(2));
        List<Lease> leases = new ArrayList<>();
        for (String name : sameSlot) {
            leases.add(holder.lock(name).acquire(Duration.ZERO));
        }
        long tokenBefore;
        try (Lease lease = holder.lock("hot").acquire(Duration.ZERO)) {
            tokenBefore = lease.fencingToken();
        }
        RedisServer source = cluster.masterOfSlot(slot);
        RedisServer target = cluster.masters().stream()
                .filter(m -> m.port() != source.port())
                .findFirst()
                .orElseThrow();
        try (LockLoad load = new LockLoad(open(Duration.ofSeconds(2)), "hot")) {
            Thread.sleep(300);
            cluster.migrateSlotSlowly(slot, target, Duration.ofMillis(20));
            Thread.sleep(2_500); // more than a lease after the move: renewals went to the new owner
            assertThat(load.overlaps()).as("two holders of one lock at once").isZero();
            assertThat(load.pairs()).as("the hot lock kept being taken").isPositive();
            System.out.printf(
                    "slot migration: %d pairs on the hot lock, %d errors (TRYAGAIN past the retry budget), 0 overlaps%n",
                    load.pairs(), load.errors());
        }
        assertThat(cluster.masterOfSlot(slot).port()).isEqualTo(target.port());
        for (Lease lease : leases) {
            assertThat(lease.isHeld()).as(lease.lockName()).isTrue();
            String key = "warden:{" + lease.lockName() + "}";
            assertThat(target.command("EXISTS", key)).isEqualTo(1L);
            lease.release();
        }
        try (Lease lease = holder.lock("hot").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.fencingToken()).isGreaterThan(tokenBefore);
        }
    }

    /**
     * A slot migration ends the waiters' shard subscriptions on the old owner (the server says so);
     * Warden subscribes again on the new one, so the next release wakes a waiter at once. Its
     * backoff and the holder's TTL are far longer than the test allows.
     */
    @Test
    void aWaiterIsWokenByAReleaseMessageAfterItsSlotMigrated() throws Exception {
        cluster = RedisCluster.builder().masters(3).start();
        wardens = new WardenFixture(b -> b.uri(cluster.uri()));
        Warden holder = open(Duration.ofSeconds(30));
        Warden waiter =
                wardens.open(b -> b.waitBackoff(Backoff.exponential(Duration.ofMinutes(5), Duration.ofMinutes(5))));
        String name = "woken-after-migration";
        int slot = RedisCluster.slotOf("warden:{" + name + "}");
        Lease held = holder.lock(name).acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = waiter.lock(name).acquireAsync(Duration.ofMinutes(2));
        Thread.sleep(500); // the waiter tried, subscribed, and sleeps until the holder's TTL (~30 s)

        RedisServer source = cluster.masterOfSlot(slot);
        RedisServer target = cluster.masters().stream()
                .filter(m -> m.port() != source.port())
                .findFirst()
                .orElseThrow();
        cluster.migrateSlotSlowly(slot, target, Duration.ofMillis(20));
        assertThat(cluster.masterOfSlot(slot).port()).isEqualTo(target.port());
        Thread.sleep(1_000); // time for the subscription to be made again on the new owner
        assertThat(waiting).isNotDone();

        long released = System.nanoTime();
        held.release();
        Lease taken = waiting.get(20, TimeUnit.SECONDS);
        assertThat(Await.millisSince(released))
                .as("woken by the release message, not by the holder's TTL or the backoff")
                .isLessThan(5_000);
        taken.release();
    }
}
