package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden demo} passes its own checks, on a given Redis or on one it starts. */
@WithRedis
@Timeout(240)
class DemoIT {
    private static final Duration DEMO = Duration.ofSeconds(90);

    private final RedisServer server;
    private final Cli cli;

    DemoIT(RedisServer server, @TempDir Path dir) {
        this.server = server;
        this.cli = new Cli(server.uri(), dir);
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    @Test
    void theDemoPassesOnAGivenRedisAndLeavesItsOtherKeysAndNoneOfItsOwn() {
        server.command("SET", "someone-elses-key", "value");

        Cli.Run demo = cli.run(DEMO, "demo", "--redis", server.uri());

        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        assertThat(demo.stdout()).contains("All 6 checks passed.").doesNotContain("FAIL");
        assertThat(demo.stdout()).doesNotContain("throwaway");
        assertThat(server.dbSize()).isEqualTo(1);
        assertThat(server.command("GET", "someone-elses-key")).isEqualTo("value");
    }

    @Test
    void aRedisThatRefusesTheCredentialsIsReportedNotReplacedByAThrowawayOne() {
        Cli.Run demo = cli.run(DEMO, "demo", "--redis", "redis://nobody:wrong@127.0.0.1:" + server.port());

        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isEqualTo(77);
        assertThat(demo.stdout()).doesNotContain("throwaway");
        assertThat(demo.stderr()).contains("WRONGPASS");
    }

    @Test
    void theDemoStartsItsOwnRedisWhenNothingAnswersAtTheGivenOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        Cli.Run demo = cli.run(DEMO, "demo", "--redis", "redis://127.0.0.1:" + port);

        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        assertThat(demo.stdout())
                .contains("nothing answers at redis://127.0.0.1:" + port + ": starting a throwaway redis-server")
                .contains("All 6 checks passed.");
        assertThat(server.dbSize()).isZero();
    }
}
