package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arguments and lock names reach Redis and the command as the exact bytes given, whatever the locale:
 * warden started as cron starts it (no LANG, no LC_*), with non-ASCII bytes written by printf so that
 * this JVM's own locale cannot alter them on the way.
 */
@WithRedis
@Timeout(120)
class LocaleIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    /** {@code straße-ü} as printf escapes of its UTF-8 bytes. */
    private static final String STRASSE = "stra\\303\\237e-\\303\\274";

    private static final String STRASSE_TEXT = "stra\u00dfe-\u00fc";

    private final RedisServer server;
    private final Cli cli;

    LocaleIT(RedisServer server, @TempDir Path dir) {
        this.server = server;
        this.cli = new Cli(server.uri(), dir);
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    @Test
    void aGlobInTheCommandMatchesTheSameFilesWithoutALocaleAsFlockWould() throws Exception {
        cli.withoutLocale();
        Cli.Run setup = cli.runShell(RUN, "mkdir x && touch \"x/$(printf '\\303\\274')-old.log\" x/a.log x/b.log");
        assertThat(setup.exitCode()).as(setup.stderr()).isZero();

        Cli.Run run = cli.runShell(RUN, "\"$0\" exec -n cleanup -- sh -c \"echo x/$(printf '\\303\\274')*\"");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo("x/\u00fc-old.log\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLockTakenWithoutALocaleIsTheSameLockAsUnderAUtf8LocaleByteForByte() throws Exception {
        cli.withoutLocale();
        Cli.Run cron = cli.runShell(
                RUN,
                "\"$0\" exec --min-hold 60s \"$(printf '" + STRASSE + "')\" -- "
                        + "sh -c 'printf %s \"$WARDEN_LOCK_NAME\" > name; env > env'");
        assertThat(cron.exitCode()).as(cron.stderr()).isZero();

        String key = "warden:{" + STRASSE_TEXT + "}";
        assertThat(server.command("EXISTS", key)).as("the key, as UTF-8").isEqualTo(1L);
        List<?> keys = (List<?>) server.command("KEYS", "*");
        assertThat(keys).allSatisfy(k -> assertThat((String) k).startsWith(key));
        assertThat(Files.readAllBytes(cli.dir().resolve("name")))
                .as("WARDEN_LOCK_NAME")
                .isEqualTo(STRASSE_TEXT.getBytes(StandardCharsets.UTF_8));
        assertThat(ExecIT.read(cli.dir().resolve("env")))
                .as("the command sees the caller's locale, not the one warden runs in")
                .doesNotContain("LC_ALL", "WARDEN_CALLER_LC_ALL");

        Cli utf8 = new Cli(server.uri(), Files.createDirectories(cli.dir().resolve("utf8"))).env("LANG", "C.UTF-8");
        try (utf8) {
            Cli.Run shell = utf8.runShell(RUN, "\"$0\" exec -n \"$(printf '" + STRASSE + "')\" -- true");
            assertThat(shell.exitCode())
                    .as("held by the run without a locale: " + shell.stderr())
                    .isEqualTo(75);
        }
    }

    @Test
    void namesThatDifferOnlyInNonAsciiLettersAreDifferentLocksWithoutALocale() {
        cli.withoutLocale();
        Cli.Run first = cli.runShell(RUN, "\"$0\" exec --min-hold 60s \"$(printf '\\303\\244')\" -- true");
        assertThat(first.exitCode()).as(first.stderr()).isZero();

        Cli.Run second = cli.runShell(RUN, "\"$0\" exec -n \"$(printf '\\303\\266')\" -- true");

        assertThat(second.exitCode())
                .as("'\u00f6' is not held: " + second.stderr())
                .isZero();
    }

    @Test
    void aCallersLcAllReachesTheCommandUnchanged() {
        cli.withoutLocale().env("LC_ALL", "POSIX");

        Cli.Run run =
                cli.run(RUN, "exec", "locale", "--", "sh", "-c", "echo \"[$LC_ALL]\"; env | grep -c WARDEN_CALLER");

        assertThat(run.stdout()).isEqualTo("[POSIX]\n0\n");
    }

    @Test
    void aNameOrArgumentThatIsNotUtf8IsRefusedWith64AndNothingRuns() {
        cli.withoutLocale();
        Cli.Run name = cli.runShell(RUN, "\"$0\" exec -n \"$(printf 'a\\374b')\" -- touch ran");
        Cli.Run argument = cli.runShell(RUN, "\"$0\" exec -n job -- touch \"$(printf 'a\\374b')\" ran");

        for (Cli.Run run : List.of(name, argument)) {
            assertThat(run.exitCode()).isEqualTo(64);
            assertThat(run.stderr()).startsWith("warden: argument 'a\\xfcb' is not valid UTF-8");
        }
        assertThat(cli.dir().resolve("ran")).doesNotExist();
        assertThat(server.dbSize()).isZero();
    }
}
