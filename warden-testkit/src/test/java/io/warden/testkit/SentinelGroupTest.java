package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentinelGroupTest {

    private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path cache;

    @Test
    void formsAroundTheFirstDataNode() {
        try (SentinelGroup group = SentinelGroup.start()) {
            RedisServer master = group.dataNodes().get(0);
            RedisServer replica = group.dataNodes().get(1);

            assertThat(group.sentinels()).hasSize(3);
            assertThat(group.dataNodes()).hasSize(2);
            assertThat(group.masterName()).isEqualTo("warden-master");
            assertThat(group.uri())
                    .isEqualTo("redis-sentinel://127.0.0.1:"
                            + group.sentinels().get(0).port() + ",127.0.0.1:"
                            + group.sentinels().get(1).port() + ",127.0.0.1:"
                            + group.sentinels().get(2).port() + "#warden-master");
            assertThat(group.master()).isSameAs(master);
            assertThat(group.replicas()).containsExactly(replica);
            assertThat(replica.info("replication"))
                    .containsEntry("role", "slave")
                    .containsEntry("master_port", Integer.toString(master.port()))
                    .containsEntry("master_link_status", "up");
            for (RedisServer sentinel : group.sentinels()) {
                assertThat(sentinel.info("server")).containsEntry("redis_mode", "sentinel");
                Map<String, String> state = fields(sentinel.command("SENTINEL", "MASTER", "warden-master"));
                assertThat(state)
                        .containsEntry("port", Integer.toString(master.port()))
                        .containsEntry("flags", "master")
                        .containsEntry("num-slaves", "1")
                        .containsEntry("num-other-sentinels", "2")
                        .containsEntry("quorum", "2")
                        .containsEntry("down-after-milliseconds", "1000")
                        .containsEntry("failover-timeout", "5000");
            }

            master.command("SET", "k", "v");
            assertThat(master.command("WAIT", "1", "5000")).isEqualTo(1L);
            assertThat(replica.command("GET", "k")).isEqualTo("v");
        }
    }

    @Test
    void killingTheMasterPromotesTheReplica() {
        try (SentinelGroup group = SentinelGroup.start()) {
            RedisServer master = group.master();
            RedisServer replica = group.replicas().get(0);
            master.command("SET", "k", "before");
            assertThat(master.command("WAIT", "1", "5000")).isEqualTo(1L);

            long start = System.nanoTime();
            master.kill();
            RedisServer promoted = group.awaitFailover(master, FAILOVER_DEADLINE);
            System.out.println("automatic failover took " + Await.millisSince(start) + " ms");

            assertThat(promoted).isSameAs(replica);
            assertThat(promoted.info("replication")).containsEntry("role", "master");
            assertThat(promoted.command("GET", "k")).isEqualTo("before");
            assertThat(group.master()).isSameAs(promoted);
            assertThat(group.replicas()).containsExactly(master);
        }
    }

    @Test
    void manualFailoverSwapsMasterAndReplica() {
        try (SentinelGroup group = SentinelGroup.start()) {
            RedisServer master = group.master();
            RedisServer replica = group.replicas().get(0);

            long start = System.nanoTime();
            RedisServer promoted = group.failover();
            System.out.println("manual failover took " + Await.millisSince(start) + " ms");

            assertThat(promoted).isSameAs(replica);
            assertThat(group.master()).isSameAs(replica);
            assertThat(replica.info("replication")).containsEntry("role", "master");
            assertThat(master.info("replication"))
                    .containsEntry("role", "slave")
                    .containsEntry("master_port", Integer.toString(replica.port()))
                    .containsEntry("master_link_status", "up");

            replica.command("SET", "k", "after");
            assertThat(replica.command("WAIT", "1", "5000")).isEqualTo(1L);
            assertThat(master.command("GET", "k")).isEqualTo("after");
        }
    }

    @Test
    void formsWithTheBundledRedis62() {
        RedisBinary bundled = RedisBinary.find(Map.of("XDG_CACHE_HOME", cache.toString()));
        try (SentinelGroup group =
                SentinelGroup.builder().binary(bundled).masterName("other").start()) {
            assertThat(group.master().version()).startsWith("6.2.");
            assertThat(group.sentinels().get(0).info("server")).containsEntry("redis_mode", "sentinel");
            assertThat(group.uri()).endsWith("#other");
            assertThat(group.master()).isSameAs(group.dataNodes().get(0));
        }
    }

    @Test
    void closeStopsEveryProcessAndIsIdempotent() throws Exception {
        int live = RedisServer.liveServerCount();
        SentinelGroup group = SentinelGroup.builder().replicas(2).start();
        List<RedisServer> all = new ArrayList<>(group.sentinels());
        all.addAll(group.dataNodes());
        assertThat(all).hasSize(6);
        assertThat(RedisServer.liveServerCount()).isEqualTo(live + 6);
        assertThat(Files.exists(group.sentinels().get(0).dir().resolve("sentinel.conf")))
                .isTrue();

        group.close();
        group.close();

        assertThat(RedisServer.liveServerCount()).isEqualTo(live);
        for (RedisServer server : all) {
            assertThat(server.isRunning()).isFalse();
            assertThat(ProcessHandle.of(server.pid()).filter(ProcessHandle::isAlive))
                    .isEmpty();
            assertThat(Files.exists(server.dir())).isFalse();
        }
    }

    private static Map<String, String> fields(Object reply) {
        List<?> flat = (List<?>) reply;
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), String.valueOf(flat.get(i + 1)));
        }
        return fields;
    }
}
