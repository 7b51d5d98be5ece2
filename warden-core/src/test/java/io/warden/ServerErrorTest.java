package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server that refuses writes is unavailable, not holding foreign data: acquire.lua used to catch
 * every error of its INCR and report the fencing counter as foreign data (LockKeyConflictException,
 * the CLI's exit 65) when Redis was out of memory or a read-only replica after a failover.
 */
@WithRedis
class ServerErrorTest extends OneServerTest {
    ServerErrorTest(RedisServer server) {
        super(server);
    }

    @Test
    void anOutOfMemoryServerIsUnavailableNotForeignData() {
        Warden warden = wardens.open();
        server.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
        server.command("CONFIG", "SET", "maxmemory", "1");
        try {
            assertThatThrownBy(() -> warden.lock("oom").acquire(Duration.ZERO))
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("oom")
                    .hasMessageContaining("OOM");
        } finally {
            server.command("CONFIG", "SET", "maxmemory", "0");
        }
        assertThat(server.command("EXISTS", "warden:{oom}", "warden:{oom}:fence"))
                .isEqualTo(0L);
    }

    @Test
    void aReadOnlyReplicaIsUnavailableNotForeignData() {
        Warden warden = wardens.open();
        // A replica of a master that does not exist: it answers, and refuses every write.
        server.command("REPLICAOF", "127.0.0.1", "1");
        try {
            assertThatThrownBy(() -> warden.lock("read-only").acquire(Duration.ZERO))
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessageContaining("read-only")
                    .hasMessageContaining("READONLY");
        } finally {
            server.command("REPLICAOF", "NO", "ONE");
        }
    }

    @Test
    void aCounterHoldingAnythingButAnIntegerIsStillForeignData() {
        Warden warden = wardens.open();
        server.command("SET", "warden:{counted}:fence", "not-a-number");
        assertThatThrownBy(() -> warden.lock("counted").acquire(Duration.ZERO))
                .isInstanceOf(LockKeyConflictException.class)
                .hasMessageContaining("warden:{counted}:fence");
        assertThat(server.command("GET", "warden:{counted}:fence")).isEqualTo("not-a-number");
    }
}
