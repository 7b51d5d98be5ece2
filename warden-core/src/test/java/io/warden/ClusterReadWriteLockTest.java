package io.warden;

import io.warden.testkit.RedisCluster;
import io.warden.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The read-write lock contract on a 3-master Redis Cluster (one cluster for the class, emptied
 * before each test): every key of a read-write lock, each reader's included, shares its hash tag,
 * and release messages travel on sharded channels on Redis 7.
 */
class ClusterReadWriteLockTest extends ReadWriteLockContract {
    private static RedisCluster cluster;

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
}
