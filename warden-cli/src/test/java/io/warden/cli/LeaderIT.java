package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden leader}, run as users run it: bin/warden processes against a real Redis. */
@WithRedis
@Timeout(180)
class LeaderIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    private final RedisServer server;
    private final Cli cli;

    LeaderIT(RedisServer server, @TempDir Path dir) {
        this.server = server;
        this.cli = new Cli(server.uri(), dir);
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    /** Each start of the command appends "TOKEN PID" to {@code file}, then sleeps as the same pid. */
    private String worker(Path file) {
        return "echo \"$WARDEN_FENCING_TOKEN $$\" >> " + file + "; exec sleep 60";
    }

    @Test
    void oneOfThreeCandidatesRunsTheCommandAndAStandbyTakesOverWhenTheLeaderIsKilled() {
        Path starts = cli.dir().resolve("starts");
        List<Cli.Run> candidates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            candidates.add(cli.start("leader", "--lease", "1s", "elect", "--", "sh", "-c", worker(starts)));
        }
        Await.until("a leader ran the command", RUN, () -> lines(starts).size() == 1);
        Await.sleep(2_000); // two leases: nobody else starts it meanwhile
        assertThat(lines(starts)).hasSize(1);
        String[] first = lines(starts).get(0).split(" ");
        long firstPid = Long.parseLong(first[1]);
        Cli.Run leader = candidates.stream()
                .filter(run -> run.descendants().stream().anyMatch(p -> p.pid() == firstPid))
                .findFirst()
                .orElseThrow();

        leader.signal("KILL");

        Await.until(
                "a standby ran the command",
                Duration.ofSeconds(20),
                () -> lines(starts).size() == 2);
        String[] second = lines(starts).get(1).split(" ");
        assertThat(Long.parseLong(second[0])).isGreaterThan(Long.parseLong(first[0]));
        assertThat(second[1]).isNotEqualTo(first[1]);
        // The dead leader's command died with it (parent-death signal), so never two at once.
        Await.until(
                "the killed leader's command is gone",
                Duration.ofSeconds(10),
                () -> ProcessHandle.of(firstPid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void whenLeadershipIsLostTheCommandIsStoppedAndWardenCampaignsAndRunsItAgain() {
        Path starts = cli.dir().resolve("starts");
        Cli.Run run = cli.start("leader", "--lease", "1s", "again", "--", "sh", "-c", worker(starts));
        Await.until("elected", RUN, () -> lines(starts).size() == 1);
        long firstPid = Long.parseLong(lines(starts).get(0).split(" ")[1]);

        server.command("DEL", "warden:{again}");

        Await.until("elected again", Duration.ofSeconds(20), () -> lines(starts).size() == 2);
        assertThat(Long.parseLong(lines(starts).get(1).split(" ")[0]))
                .isGreaterThan(Long.parseLong(lines(starts).get(0).split(" ")[0]));
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
                .as("the first term's command was stopped")
                .isFalse();
        assertThat(run.isAlive()).isTrue();
        assertThat(run.stderr()).contains("leadership lost").contains("campaigning again");

        run.signal("TERM");
        assertThat(run.waitFor(RUN)).as(run.stderr()).isEqualTo(128 + 15);
    }

    @Test
    void withOnceALostLeadershipEndsWarden76() {
        Path starts = cli.dir().resolve("starts");
        Cli.Run run = cli.start("leader", "--once", "--lease", "1s", "once", "--", "sh", "-c", worker(starts));
        Await.until("elected", RUN, () -> lines(starts).size() == 1);

        server.command("DEL", "warden:{once}");

        assertThat(run.waitFor(RUN)).as(run.stderr()).isEqualTo(ExitCodes.LEASE_LOST);
        assertThat(run.stderr()).contains("leadership lost").contains("exiting (--once)");
        assertThat(lines(starts)).hasSize(1);
    }

    @Test
    void aStandbyStartedBeforeRedisListensCampaignsOnceItDoes() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Cli.Run run = cli.start("leader", "--redis", "redis://127.0.0.1:" + port, "early", "--", "sh", "-c", "exit 5");
        Await.sleep(2_000); // Redis is not there for the first attempts
        assertThat(run.isAlive()).as("still trying: %s", run.stderr()).isTrue();

        try (RedisServer late = RedisServer.builder().port(port).start()) {
            assertThat(run.waitFor(RUN)).as(run.stderr()).isEqualTo(5);
        }
    }

    @Test
    void theCommandsOwnExitEndsTheTermAndIsWardensExitCode() {
        Cli.Run run = cli.start("leader", "done", "--", "sh", "-c", "exit 3");

        assertThat(run.waitFor(RUN)).as(run.stderr()).isEqualTo(3);
        assertThat(server.command("EXISTS", "warden:{done}")).isEqualTo(0L);
    }

    @Test
    void aLeaseTooShortToKeepIsRefusedWith64() {
        Cli.Run run = cli.start("leader", "--lease", "10ms", "short", "--", "true");

        assertThat(run.waitFor(RUN)).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr()).contains("--lease 10ms is too short");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
