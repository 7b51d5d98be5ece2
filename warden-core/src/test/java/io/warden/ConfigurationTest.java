package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Ways to connect: URIs with ACL users and databases, and a caller's own Lettuce client. */
@WithRedis
class ConfigurationTest {

    @Test
    void aUriWithAnAclUserAndADatabaseIsHonoured(RedisServer server) throws Exception {
        server.command("ACL", "SETUSER", "locker", "on", ">s3cret", "~*", "&*", "+@all");
        String uri = "redis://locker:s3cret@127.0.0.1:" + server.port() + "/3";
        try (Warden warden = Warden.builder().uri(uri).build()) {
            try (Lease lease = warden.lock("in-db-3").acquire(Duration.ZERO)) {
                assertThat(lease.isHeld()).isTrue();
            }
        }
        assertThat(server.command("INFO", "keyspace").toString())
                .as("the fencing counter lives in db 3")
                .contains("db3:keys=1");
    }

    @Test
    void aWrongPasswordFailsAtConnectWithRedisUnavailable(RedisServer server) {
        server.command("ACL", "SETUSER", "locker", "on", ">s3cret", "~*", "&*", "+@all");
        assertThatThrownBy(() -> Warden.builder()
                        .uri("redis://locker:wrong@127.0.0.1:" + server.port())
                        .commandTimeout(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining(String.valueOf(server.port()));
    }

    @Test
    void aCallersLettuceClientIsUsedAndLeftOpen(RedisServer server) throws Exception {
        RedisClient client = RedisClient.create(server.uri());
        try {
            try (Warden warden = Warden.builder().client(client).build()) {
                try (Lease lease = warden.lock("shared-client").acquire(Duration.ZERO)) {
                    assertThat(lease.fencingToken()).isPositive();
                }
            }
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aBadUriIsRejectedWithTheReason() {
        assertThatThrownBy(() -> Warden.builder().uri("http://nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://nope");
    }
}
