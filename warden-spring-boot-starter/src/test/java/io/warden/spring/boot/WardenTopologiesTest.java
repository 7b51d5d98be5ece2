package io.warden.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.Warden;
import io.warden.testkit.RedisCluster;
import io.warden.testkit.RedisReplyException;
import io.warden.testkit.RedisServer;
import io.warden.testkit.SentinelGroup;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The connection settings the auto-configuration carries over, each checked on real servers: ACL
 * user and database from {@code spring.data.redis.*} (seen in CLIENT LIST), and Sentinel and Cluster
 * from both {@code warden.*} and {@code spring.data.redis.*}.
 */
@WithRedis
class WardenTopologiesTest {
    private static SentinelGroup sentinels;
    private static RedisCluster cluster;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, WardenAutoConfiguration.class))
            .withPropertyValues("warden.command-timeout=3s");

    @BeforeAll
    static void startTopologies() {
        sentinels = SentinelGroup.builder().replicas(0).sentinels(1).start();
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopTopologies() {
        if (sentinels != null) {
            sentinels.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static boolean holds(RedisServer redis, String key) {
        return ((Long) redis.command("EXISTS", key)) == 1L;
    }

    @Test
    void springDataRedisUsernamePasswordAndDatabaseAreCarriedOver(RedisServer server) {
        server.command("ACL", "SETUSER", "app", "on", ">s3cret", "~*", "&*", "+@all");
        runner.withPropertyValues(
                        "spring.data.redis.host=" + server.host(),
                        "spring.data.redis.port=" + server.port(),
                        "spring.data.redis.username=app",
                        "spring.data.redis.password=s3cret",
                        "spring.data.redis.database=3")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Warden warden = context.getBean(Warden.class);
                    try (Lease lease = warden.lock("orders:1").acquire(Duration.ofSeconds(2))) {
                        String clients = (String) server.command("CLIENT", "LIST");
                        String wardens = clients.lines()
                                .filter(line -> line.contains("user=app"))
                                .collect(Collectors.joining("\n"));
                        assertThat(wardens).as(clients).isNotEmpty().contains("db=3");
                        // Not in database 0, where the test kit's client looks.
                        assertThat(holds(server, "warden:{orders:1}")).isFalse();
                    }
                });
    }

    @Test
    void wardenSentinelPropertiesFindTheMaster() {
        String node = sentinels.sentinels().get(0).host() + ":"
                + sentinels.sentinels().get(0).port();
        runner.withPropertyValues("warden.sentinel.master=" + sentinels.masterName(), "warden.sentinel.nodes=" + node)
                .run(context -> assertLockOn(context.getBean(Warden.class), sentinels.master(), "sentinel:warden"));
    }

    @Test
    void springDataRedisSentinelSettingsFindTheMaster() {
        String node = sentinels.sentinels().get(0).host() + ":"
                + sentinels.sentinels().get(0).port();
        runner.withPropertyValues(
                        "spring.data.redis.sentinel.master=" + sentinels.masterName(),
                        "spring.data.redis.sentinel.nodes=" + node)
                .run(context -> assertLockOn(context.getBean(Warden.class), sentinels.master(), "sentinel:data"));
    }

    @Test
    void wardenClusterNodesReachTheCluster() {
        RedisServer seed = cluster.nodes().get(0);
        runner.withPropertyValues("warden.cluster.nodes=" + seed.host() + ":" + seed.port())
                .run(context -> assertLockOnCluster(context.getBean(Warden.class), "cluster:warden"));
    }

    @Test
    void springDataRedisClusterNodesReachTheCluster() {
        RedisServer seed = cluster.nodes().get(0);
        runner.withPropertyValues("spring.data.redis.cluster.nodes=" + seed.host() + ":" + seed.port())
                .run(context -> assertLockOnCluster(context.getBean(Warden.class), "cluster:data"));
    }

    private static void assertLockOn(Warden warden, RedisServer master, String name) throws InterruptedException {
        try (Lease lease = warden.lock(name).acquire(Duration.ofSeconds(3))) {
            assertThat(holds(master, "warden:{" + name + "}")).isTrue();
        }
    }

    private static void assertLockOnCluster(Warden warden, String name) throws InterruptedException {
        try (Lease lease = warden.lock(name).acquire(Duration.ofSeconds(3))) {
            String key = "warden:{" + name + "}";
            // Only the master that owns the key's slot answers; the others redirect (MOVED).
            assertThat(cluster.masters().stream()
                            .filter(m -> {
                                try {
                                    return holds(m, key);
                                } catch (RedisReplyException moved) {
                                    return false;
                                }
                            })
                            .count())
                    .as("masters holding %s", key)
                    .isEqualTo(1);
        }
    }
}
