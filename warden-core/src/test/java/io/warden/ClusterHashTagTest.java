package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.warden.testkit.RedisCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression test for issue 13, defect 7: a lock name starting with '}' makes the hash tag of its
 * keys empty, so lock key, fencing counter and channel land in different slots (CROSSSLOT on a
 * Cluster). Public API only, on a real 3-master Redis Cluster.
 */
class ClusterHashTagTest {
    private static RedisCluster cluster;
    private WardenFixture wardens;

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

    @AfterEach
    void closeWardens() {
        if (wardens != null) {
            wardens.close();
        }
    }

    /** Issue 13, defect 7: either rejected at lock(...) naming the lock, or it works; never CROSSSLOT. */
    @Test
    void aLockNameStartingWithAClosingBraceIsRejectedOrWorksOnACluster() throws Exception {
        wardens = new WardenFixture(b -> b.uri(cluster.uri()));
        Warden warden = wardens.open();
        for (String name : new String[] {"}x", "}"}) {
            DistributedLock lock;
            try {
                lock = warden.lock(name);
            } catch (IllegalArgumentException rejected) {
                assertThat(rejected).hasMessageContaining(name);
                continue;
            }
            try (Lease lease = lock.acquire(Duration.ofSeconds(2))) {
                assertThat(lease.isHeld()).isTrue();
            } catch (WardenException e) {
                fail("lock '" + name + "' on a Cluster: neither rejected by lock(...) nor usable: " + e, e);
            }
        }
    }

    /** Issue 13, defect 7 (prefix side): braces in the key prefix are rejected. Passes today; guards the fix. */
    @Test
    void aKeyPrefixWithBracesIsRejected() {
        for (String prefix : new String[] {"app{", "app}", "{app}"}) {
            assertThatThrownBy(() -> Warden.builder().uri(cluster.uri()).keyPrefix(prefix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(prefix);
        }
    }
}
