package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warden.LockInfo;
import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command {@code warden exec} runs, as a process: which signals it gets, and that it dies with warden. */
@WithRedis
@Timeout(120)
class ChildProcessIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    private final Cli cli;
    private final Warden warden;

    ChildProcessIT(RedisServer server, @TempDir Path dir) {
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
    void aSigintToWardensWholeProcessGroupReachesTheCommandExactlyOnce() {
        String script = "trap 'echo int >> ints' INT; touch started; while :; do sleep 0.1; done";
        Cli.Run run = cli.startShell("exec setsid \"$0\" exec ctrl-c -- sh -c \"" + script + "\"");
        Await.until("the command started", RUN, () -> Files.exists(file("started")));

        run.signalGroup("INT");

        Await.until("the command got SIGINT", RUN, () -> Files.exists(file("ints")));
        Await.sleep(2_000); // a second delivery came ~100 ms after the first: wait well past it
        assertThat(ExecIT.read(file("ints"))).as("SIGINTs the command got").isEqualTo("int\n");
        run.signal("TERM");
        assertThat(run.waitFor(RUN)).as(run.stderr()).isEqualTo(143);
        assertThat(warden.admin().inspect("ctrl-c").state()).isEqualTo(LockInfo.State.FREE);
    }

    @Test
    void ctrlCInATerminalReachesTheCommandOnceAndItKeepsTheTerminal() {
        assumeTrue(new java.io.File("/usr/bin/script").canExecute(), "script(1) makes the terminal");
        String script = "trap 'echo int >> ints' INT; test -t 0 && touch started;"
                + " while [ ! -e stop ]; do sleep 0.1; done; echo done";
        Cli.Run run = cli.startInTerminal("exec", "tty", "--", "sh", "-c", script);
        Await.until("the command started, on the terminal", RUN, () -> Files.exists(file("started")));

        run.type("\u0003");

        Await.until("the command got SIGINT", RUN, () -> Files.exists(file("ints")));
        Await.sleep(2_000); // a second delivery came ~100 ms after the first: wait well past it
        ExecIT.touch(file("stop"));
        assertThat(run.waitFor(RUN)).as(run.stdout()).isZero();
        assertThat(ExecIT.read(file("ints"))).as("SIGINTs the command got").isEqualTo("int\n");
        assertThat(run.stdout()).contains("done");
    }

    @Test
    void sigquitWritesNothingIntoTheCommandsStreamsAndSigusr2ReachesTheCommand() {
        String script =
                "trap 'echo usr2 >> got' USR2; touch started; while [ ! -e stop ]; do sleep 0.1; done; echo done";
        Cli.Run run = cli.start("exec", "quiet", "--", "sh", "-c", script);
        Await.until("the command started", RUN, () -> Files.exists(file("started")));

        run.signal("QUIT");
        run.signal("USR2");

        Await.until("the command got SIGUSR2", RUN, () -> Files.exists(file("got")));
        ExecIT.touch(file("stop"));
        assertThat(run.waitFor(RUN)).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("done\n");
        assertThat(run.stderr()).isEmpty();
        assertThat(ExecIT.read(file("got"))).isEqualTo("usr2\n");
    }

    @Test
    void theCommandDiesWithinSecondsWhenWardenIsKilled() {
        Cli.Run run = cli.start("exec", "orphan", "--", "sh", "-c", "touch started; exec sleep 120");
        Await.until("the command started", RUN, () -> Files.exists(file("started")));
        List<ProcessHandle> command = run.descendants();
        assertThat(command).isNotEmpty();

        run.signal("KILL");

        Await.until(
                "the command is gone after warden's SIGKILL",
                Duration.ofSeconds(10),
                () -> command.stream().noneMatch(ProcessHandle::isAlive));
    }
}
