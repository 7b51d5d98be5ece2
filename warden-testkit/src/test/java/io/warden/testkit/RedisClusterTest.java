package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisClusterTest {

    private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);

    /** Three masters without replicas, shared by the tests that do not kill nodes. */
    private static RedisCluster cluster;

    @TempDir
    Path cache;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeMastersShareTheSlotsEvenly() {
        List<RedisServer> nodes = cluster.nodes();

        assertThat(nodes).hasSize(3);
        assertThat(cluster.masters()).isEqualTo(nodes);
        for (RedisServer node : nodes) {
            assertThat(node.command("CLUSTER", "INFO").toString())
                    .contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3");
            assertThat(node.command("CONFIG", "GET", "cluster-node-timeout"))
                    .isEqualTo(List.of("cluster-node-timeout", "1000"));
            assertThat(node.port()).isLessThanOrEqualTo(55535);
            assertThat(Files.exists(node.dir().resolve("nodes.conf"))).isTrue();
            assertThat(cluster.replicasOf(node)).isEmpty();
        }
        // Boundaries of the even split: 0-5460, 5461-10921, 10922-16383 (tests migrate no boundary slot).
        assertThat(cluster.masterOfSlot(0)).isSameAs(nodes.get(0));
        assertThat(cluster.masterOfSlot(5460)).isSameAs(nodes.get(0));
        assertThat(cluster.masterOfSlot(5461)).isSameAs(nodes.get(1));
        assertThat(cluster.masterOfSlot(10921)).isSameAs(nodes.get(1));
        assertThat(cluster.masterOfSlot(10922)).isSameAs(nodes.get(2));
        assertThat(cluster.masterOfSlot(16383)).isSameAs(nodes.get(2));
        assertThat(cluster.uri())
                .isEqualTo("redis-cluster://"
                        + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(",")));
        assertThat(cluster.nodeUris())
                .isEqualTo(nodes.stream().map(RedisServer::uri).collect(Collectors.toList()));
    }

    @Test
    void slotOfAgreesWithClusterKeyslot() {
        List<String> keys = List.of(
                "",
                "a",
                "foo",
                "123456789",
                "{user1000}.following",
                "{user1000}.followers",
                "user1000",
                "{}",
                "{",
                "}",
                "}{",
                "{}a",
                "a{}b",
                "a{b}c{d}",
                "a{b",
                "{{a}}",
                "foo{}{bar}",
                "foo{{bar}}zap",
                "foo{bar}{zap}",
                "ÿ€漢字",
                "{ÿ}x",
                "warden:lock:{orders}:42");
        RedisServer node = cluster.nodes().get(0);
        for (String key : keys) {
            assertThat(RedisCluster.slotOf(key))
                    .as("slot of '%s'", key)
                    .isEqualTo(((Long) node.command("CLUSTER", "KEYSLOT", key)).intValue());
        }
        assertThat(RedisCluster.slotOf("123456789")).isEqualTo(0x31C3); // the CRC16/XMODEM check value
        assertThat(RedisCluster.slotOf("{user1000}.following")).isEqualTo(RedisCluster.slotOf("user1000"));
        assertThat(RedisCluster.slotOf("a{b}c{d}")).isEqualTo(RedisCluster.slotOf("b"));
    }

    @Test
    void commandGoesToTheMasterOwningTheKey() {
        Set<RedisServer> owners = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String key = "route-" + i;
            assertThat(cluster.command(key, "SET", key, "v" + i)).isEqualTo("OK");
            assertThat(cluster.command(key, "GET", key)).isEqualTo("v" + i);

            RedisServer owner = cluster.masterOf(key);
            owners.add(owner);
            assertThat(owner.command("GET", key)).isEqualTo("v" + i);
            for (RedisServer other : cluster.masters()) {
                if (other != owner) {
                    assertThatThrownBy(() -> other.command("GET", key))
                            .isInstanceOf(RedisReplyException.class)
                            .hasMessage("MOVED " + RedisCluster.slotOf(key) + " 127.0.0.1:" + owner.port());
                }
            }
        }
        assertThat(owners).hasSize(3);
    }

    @Test
    void migrateSlotMovesItsKeysToTheTarget() {
        String tag = "{moved}";
        int slot = RedisCluster.slotOf(tag);
        RedisServer source = cluster.masterOfSlot(slot);
        RedisServer target = otherMaster(source);
        for (int i = 0; i < 150; i++) { // more than one MIGRATE batch
            cluster.command(tag + i, "SET", tag + i, "v" + i);
        }

        cluster.migrateSlot(slot, target);

        for (RedisServer node : cluster.nodes()) {
            assertThat(cluster.masterOfSlot(slot)).isSameAs(target);
            assertThat(node.command("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)))
                    .isEqualTo(node == target ? 150L : 0L);
        }
        assertThat(target.command("GET", tag + 7)).isEqualTo("v7");
        assertThat(cluster.command(tag + 149, "GET", tag + 149)).isEqualTo("v149");
        assertThatThrownBy(() -> source.command("GET", tag + 7))
                .isInstanceOf(RedisReplyException.class)
                .hasMessage("MOVED " + slot + " 127.0.0.1:" + target.port());
        assertThat(cluster.command("{elsewhere}", "SET", "{elsewhere}", "x")).isEqualTo("OK");
    }

    @Test
    void migrationIsSafeWhileAClientWritesToTheSlot() throws Exception {
        String tag = "{busy}";
        int slot = RedisCluster.slotOf(tag);
        RedisServer source = cluster.masterOfSlot(slot);
        RedisServer target = otherMaster(source);
        for (int i = 0; i < 20; i++) {
            cluster.command(tag + i, "SET", tag + i, "initial");
        }
        AtomicBoolean migrating = new AtomicBoolean(true);
        Map<String, String> written = new HashMap<>();
        // Writes keys old and new, so some are on the source when written and some already moved.
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            int writes = 0;
            while (migrating.get()) {
                String key = tag + (writes % 40);
                String value = "w" + writes;
                assertThat(cluster.command(key, "SET", key, value)).isEqualTo("OK");
                written.put(key, value);
                writes++;
            }
            return writes;
        });

        try {
            cluster.migrateSlotSlowly(slot, target, Duration.ofMillis(30));
        } finally {
            migrating.set(false);
        }
        int writes = writer.get(30, TimeUnit.SECONDS);

        assertThat(writes).isPositive();
        assertThat(cluster.masterOfSlot(slot)).isSameAs(target);
        assertThat(source.command("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot)))
                .isEqualTo(0L);
        for (int i = 0; i < 40; i++) {
            String key = tag + i;
            String expected = written.getOrDefault(key, i < 20 ? "initial" : null);
            assertThat(target.command("GET", key)).as(key).isEqualTo(expected);
        }
    }

    @Test
    void killedMasterIsReplacedByItsReplicaWhichKeepsTheData() {
        try (RedisCluster withReplicas =
                RedisCluster.builder().replicasPerMaster(1).start()) {
            List<RedisServer> nodes = withReplicas.nodes();
            assertThat(nodes).hasSize(6);
            assertThat(withReplicas.masters()).isEqualTo(nodes.subList(0, 3));
            for (int i = 0; i < 3; i++) {
                assertThat(withReplicas.replicasOf(nodes.get(i))).containsExactly(nodes.get(3 + i));
                assertThat(nodes.get(3 + i).info("replication")).containsEntry("master_link_status", "up");
            }
            String key = "failover-key";
            RedisServer master = withReplicas.masterOf(key);
            RedisServer replica = withReplicas.replicasOf(master).get(0);
            withReplicas.command(key, "SET", key, "before");
            assertThat(master.command("WAIT", "1", "5000")).isEqualTo(1L);

            long start = System.nanoTime();
            RedisServer killed = withReplicas.killMasterOf(key);
            withReplicas.awaitHealthy(FAILOVER_DEADLINE);
            System.out.println("cluster failover took " + Await.millisSince(start) + " ms");

            assertThat(killed).isSameAs(master);
            assertThat(killed.isRunning()).isFalse();
            assertThat(withReplicas.masterOf(key)).isSameAs(replica);
            assertThat(replica.info("replication")).containsEntry("role", "master");
            assertThat(withReplicas.command(key, "GET", key)).isEqualTo("before");
            assertThat(withReplicas.masters()).hasSize(3).contains(replica).doesNotContain(killed);

            // Back from the dead, with its nodes.conf, the old master rejoins as a replica.
            killed.restart();
            Await.until(
                    "the old master replicates the new one",
                    FAILOVER_DEADLINE,
                    () -> withReplicas.replicasOf(replica).contains(killed));
            withReplicas.awaitHealthy(FAILOVER_DEADLINE);
            assertThat(withReplicas.masterOf(key)).isSameAs(replica);
        }
    }

    @Test
    void formsAndMigratesWithTheBundledRedis62() {
        RedisBinary bundled = RedisBinary.find(Map.of("XDG_CACHE_HOME", cache.toString()));
        try (RedisCluster old = RedisCluster.builder()
                .binary(bundled)
                .masters(2)
                .replicasPerMaster(1)
                .nodeTimeout(Duration.ofMillis(2000))
                .arg("maxmemory", "50mb")
                .start()) {
            assertThat(old.nodes()).allMatch(node -> node.version().startsWith("6.2."));
            assertThat(old.nodes().get(0).command("CONFIG", "GET", "cluster-node-timeout"))
                    .isEqualTo(List.of("cluster-node-timeout", "2000"));
            assertThat(old.nodes().get(0).command("CONFIG", "GET", "maxmemory"))
                    .isEqualTo(List.of("maxmemory", Long.toString(50L * 1024 * 1024)));
            String key = "{six}k";
            old.command(key, "SET", key, "v");
            RedisServer target = old.masters().stream()
                    .filter(m -> m != old.masterOf(key))
                    .findFirst()
                    .orElseThrow();

            old.migrateSlot(RedisCluster.slotOf(key), target);

            assertThat(old.masterOf(key)).isSameAs(target);
            assertThat(target.command("GET", key)).isEqualTo("v");
        }
    }

    @Test
    void closeStopsEveryNodeAndIsIdempotent() {
        int live = RedisServer.liveServerCount();
        RedisCluster small =
                RedisCluster.builder().masters(1).replicasPerMaster(1).start();
        List<RedisServer> nodes = new ArrayList<>(small.nodes());
        assertThat(small.masters()).containsExactly(nodes.get(0));
        assertThat(RedisServer.liveServerCount()).isEqualTo(live + 2);

        small.close();
        small.close();

        assertThat(RedisServer.liveServerCount()).isEqualTo(live);
        for (RedisServer node : nodes) {
            assertThat(node.isRunning()).isFalse();
            assertThat(ProcessHandle.of(node.pid()).filter(ProcessHandle::isAlive))
                    .isEmpty();
            assertThat(Files.exists(node.dir())).isFalse();
        }
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> RedisCluster.builder().masters(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisCluster.builder().replicasPerMaster(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisCluster.builder().nodeTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cluster.masterOfSlot(16384)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RedisServer otherMaster(RedisServer master) {
        return cluster.masters().stream().filter(m -> m != master).findFirst().orElseThrow();
    }
}
