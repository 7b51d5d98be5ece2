package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.Warden;
import io.warden.testkit.RedisServerGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --redis} given three times: exec, status, list and unlock on Redlock over three independent
 * masters, excluding a library holder on the same group, and going on with one node down.
 */
@Timeout(120)
class RedlockIT {
    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private RedisServerGroup nodes;
    private Cli cli;
    private Warden warden;

    @BeforeEach
    void start() {
        nodes = RedisServerGroup.start(3);
        cli = new Cli(nodes.uris().get(0), dir);
        warden = Warden.builder().redlock(nodes.uris()).build();
    }

    @AfterEach
    void stop() {
        if (cli != null) {
            cli.close();
        }
        if (warden != null) {
            warden.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    private String[] withNodes(String... args) {
        List<String> all = new ArrayList<>();
        all.add(args[0]);
        for (String uri : nodes.uris()) {
            all.add("--redis");
            all.add(uri);
        }
        all.addAll(List.of(args).subList(1, args.length));
        return all.toArray(String[]::new);
    }

    @Test
    void execRunsUnderARedlockHeldByAMajorityAndSkipsWhileTheLibraryHoldsIt() throws Exception {
        Cli.Run ran = cli.run(RUN, withNodes("exec", "nightly", "--", "sh", "-c", "echo ran"));
        assertThat(ran.exitCode()).as(ran.stderr()).isZero();
        assertThat(ran.stdout()).isEqualTo("ran\n");

        // Held by the library until the force-unlock below takes it away.
        Lease held = warden.lock("nightly").acquire(Duration.ofSeconds(5));
        assertThat(held.isHeld()).isTrue();
        Cli.Run skipped = cli.run(RUN, withNodes("exec", "-n", "nightly", "--", "sh", "-c", "echo ran"));
        assertThat(skipped.exitCode()).as(skipped.stderr()).isEqualTo(75);
        assertThat(skipped.stdout()).isEmpty();

        Cli.Run status = cli.run(RUN, withNodes("status", "nightly"));
        assertThat(status.exitCode()).as(status.stderr()).isZero();
        assertThat(status.stdout()).startsWith("lock 'nightly' is held by ");

        Cli.Run list = cli.run(RUN, withNodes("list"));
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.stdout()).contains("nightly");

        Cli.Run unlock = cli.run(RUN, withNodes("unlock", "nightly", "--force"));
        assertThat(unlock.exitCode()).as(unlock.stderr()).isZero();
        for (var node : nodes.servers()) {
            assertThat(node.command("EXISTS", "warden:{nightly}")).isEqualTo(0L);
        }
    }

    @Test
    void withOneNodeDownExecStillRunsAndTwoNodesAreRefusedAsUsage() throws Exception {
        nodes.get(2).kill();
        Cli.Run ran = cli.run(RUN, withNodes("exec", "minority-down", "--", "sh", "-c", "echo ran"));
        assertThat(ran.exitCode()).as(ran.stderr()).isZero();
        assertThat(ran.stdout()).isEqualTo("ran\n");

        Cli.Run two = cli.run(
                RUN,
                "exec",
                "--redis",
                nodes.uris().get(0),
                "--redis",
                nodes.uris().get(1),
                "two-nodes",
                "--",
                "true");
        assertThat(two.exitCode()).as(two.stderr()).isEqualTo(64);
        assertThat(two.stderr()).contains("Redlock needs at least 3 independent masters");
    }
}
