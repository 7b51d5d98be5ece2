package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Permit;
import io.warden.Warden;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden exec --permits N}: at most N runs at once, as users run it (bin/warden processes, real Redis). */
@WithRedis
@Timeout(180)
class PermitExecIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    private final RedisServer server;
    private final Cli cli;
    private final Warden warden;

    PermitExecIT(RedisServer server, @TempDir Path dir) {
        this.server = server;
        this.cli = new Cli(server.uri(), dir);
        this.warden = Warden.connect(server.uri());
    }

    @AfterEach
    void stop() {
        cli.close();
        warden.close();
    }

    private Path file(String name) {
        return cli.dir().resolve(name);
    }

    @Test
    void atMostTwoOfSixConcurrentRunsGoOnAtOnceAndAllSucceed() throws Exception {
        java.nio.file.Files.createDirectories(file("inside"));
        String section = "touch " + file("inside") + "/$$; n=$(ls " + file("inside") + " | wc -l); echo $n >> "
                + file("counts") + "; [ $n -le 2 ] || exit 99; sleep 0.4; n=$(ls " + file("inside")
                + " | wc -l); echo $n >> " + file("counts") + "; rm " + file("inside") + "/$$";
        List<Cli.Run> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            runs.add(cli.start("exec", "--permits", "2", "pool", "--", "sh", "-c", section));
        }
        for (Cli.Run run : runs) {
            assertThat(run.waitFor(Duration.ofSeconds(120)))
                    .as("exit code (99 = more than 2 at once); stderr: %s", run.stderr())
                    .isZero();
        }
        List<Integer> counts = ExecIT.read(file("counts"))
                .lines()
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        assertThat(counts).hasSize(12).allMatch(n -> n <= 2);
        assertThat(counts).as("runs overlapped: the permits were shared").contains(2);
    }

    @Test
    void noWaitWithEveryPermitHeldExitsWithTheConflictCodeWithoutRunning() throws Exception {
        Permit one = warden.semaphore("busy", 2).acquire(Duration.ZERO);
        Permit two = warden.semaphore("busy", 2).acquire(Duration.ZERO);
        Cli.Run conflict = cli.run(
                RUN,
                "exec",
                "--permits",
                "2",
                "-n",
                "busy",
                "--",
                "touch",
                file("ran").toString());
        assertThat(conflict.exitCode()).isEqualTo(75);
        assertThat(conflict.stderr()).contains("'busy'").contains("all 2 permits are held");
        assertThat(file("ran")).doesNotExist();
        one.release();
        Cli.Run ran = cli.run(RUN, "exec", "--permits", "2", "-n", "busy", "--", "sh", "-c", "exit 7");
        assertThat(ran.exitCode())
                .as("the command's exit code; stderr: %s", ran.stderr())
                .isEqualTo(7);
        two.release();
    }

    @Test
    void aDifferentPermitCountIsRefusedNamingTheSemaphore() throws Exception {
        try (Permit held = warden.semaphore("sized", 3).acquire(Duration.ZERO)) {
            Cli.Run refused = cli.run(
                    RUN,
                    "exec",
                    "--permits",
                    "2",
                    "sized",
                    "--",
                    "touch",
                    file("ran").toString());
            assertThat(refused.exitCode()).isNotZero().isNotEqualTo(75);
            assertThat(refused.stderr()).contains("'sized'").contains("has 3 permits");
            assertThat(file("ran")).doesNotExist();
        }
    }

    @Test
    void aLostPermitKillsTheCommandAndExitsWithTheLeaseLostCode() throws Exception {
        Cli.Run run = cli.start("exec", "--permits", "1", "--lease", "1s", "lost", "--", "sleep", "60");
        io.warden.testkit.Await.until(
                "the permit is held",
                Duration.ofSeconds(30),
                () -> !warden.admin().inspectSemaphore("lost").holders().isEmpty());
        assertThat(warden.admin().forceUnlockSemaphore("lost")).isEqualTo(1);
        assertThat(run.waitFor(Duration.ofSeconds(30)))
                .as("stderr: %s", run.stderr())
                .isEqualTo(76);
        assertThat(run.stderr()).contains("permit lost").contains("KEY_DELETED");
    }

    @Test
    void statusListAndUnlockShowAndRemoveASemaphoresPermits() throws Exception {
        Permit two = warden.semaphore("shared-api", 4).acquire(2, Duration.ZERO);
        Permit one = warden.semaphore("shared-api", 4).acquire(Duration.ZERO);

        Cli.Run status = cli.run(RUN, "status", "shared-api");
        assertThat(status.exitCode()).as("stderr: %s", status.stderr()).isZero();
        assertThat(status.stdout())
                .contains("semaphore 'shared-api': 3 of 4 permits held")
                .contains("2 permits held by ")
                .contains("pid " + ProcessHandle.current().pid());
        Cli.Run json = cli.run(RUN, "status", "--json", "shared-api");
        assertThat(json.stdout()).contains("\"kind\":\"semaphore\"").contains("\"permits\":4");

        Cli.Run list = cli.run(RUN, "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.stdout()).contains("SEMAPHORE").contains("shared-api").doesNotContain("not written by Warden");

        Cli.Run unlock = cli.run(RUN, "unlock", "--force", "shared-api");
        assertThat(unlock.exitCode()).as("stderr: %s", unlock.stderr()).isZero();
        assertThat(unlock.stdout()).contains("removed 2 permits of semaphore 'shared-api'");
        assertThat(one.lostFuture()
                        .toCompletableFuture()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS)
                        .cause())
                .isEqualTo(io.warden.LossCause.KEY_DELETED);
        assertThat(two.lostFuture()
                        .toCompletableFuture()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS)
                        .cause())
                .isEqualTo(io.warden.LossCause.KEY_DELETED);
        assertThat(cli.run(RUN, "status", "shared-api").exitCode())
                .as("no holder left")
                .isEqualTo(1);
    }
}
