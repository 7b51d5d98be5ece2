package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.SentinelGroup;
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

    /** Issue 15: a URI's {@code ?timeout=} was silently replaced by the 3 s default. */
    @Test
    void aUrisOwnTimeoutBoundsConnectingUnlessTheBuilderSetsOne(RedisServer server) {
        server.pause(); // accepts the connection (the kernel does), never answers
        try {
            String uri = "redis://127.0.0.1:" + server.port() + "?timeout=200ms";
            long start = System.nanoTime();
            assertThatThrownBy(() -> Warden.builder().uri(uri).build()).isInstanceOf(RedisUnavailableException.class);
            assertThat(Await.millisSince(start))
                    .as("the URI's 200 ms, not the 3 s default")
                    .isLessThan(2_500);

            long explicit = System.nanoTime();
            assertThatThrownBy(() -> Warden.builder()
                            .uri(uri)
                            .commandTimeout(Duration.ofSeconds(4))
                            .build())
                    .isInstanceOf(RedisUnavailableException.class);
            assertThat(Await.millisSince(explicit)).as("the builder's 4 s wins").isGreaterThan(3_500);

            // A builder that read one URI's timeout does not carry it over to the next URI.
            Warden.Builder reused = Warden.builder().uri(uri);
            assertThatThrownBy(reused::build).isInstanceOf(RedisUnavailableException.class);
            long again = System.nanoTime();
            assertThatThrownBy(() ->
                            reused.uri("redis://127.0.0.1:" + server.port()).build())
                    .isInstanceOf(RedisUnavailableException.class);
            assertThat(Await.millisSince(again)).as("the 3 s default again").isGreaterThan(2_500);
        } finally {
            server.resume();
        }
    }

    /** Issue 15: a hung sentinel held connecting for Lettuce's 60 s default. */
    @Test
    void hungSentinelsFailConnectingWithinTheCommandTimeouts() {
        try (SentinelGroup group = SentinelGroup.builder().start()) {
            group.sentinels().forEach(RedisServer::pause);
            long start = System.nanoTime();
            assertThatThrownBy(() -> Warden.builder()
                            .uri(group.uri())
                            .commandTimeout(Duration.ofSeconds(1))
                            .build())
                    .isInstanceOf(RedisUnavailableException.class);
            // One command timeout per sentinel asked, with slack: not Lettuce's 60 s.
            assertThat(Await.millisSince(start)).isLessThan(20_000);
            group.sentinels().forEach(RedisServer::resume);
        }
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
