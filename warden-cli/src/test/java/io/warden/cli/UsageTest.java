package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Usage errors are found before any connection: in-process, no Redis needed. */
class UsageTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void aBadDurationIsAUsageErrorOfOneLinePlusAPointerToHelp() {
        assertThat(run("exec", "--lease", "soon", "x", "--", "true")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString().lines().toList())
                .containsExactly(
                        "warden: Invalid value for option '--lease': 'soon' is not a duration: use 500ms, 30s, 5m,"
                                + " 1h, 2d or ISO-8601 such as PT30S",
                        "Try 'warden exec --help' for more information.");
    }

    @Test
    void optionsAfterTheLockNameAreRefusedUnlessAfterTheSeparator() {
        assertThat(run("exec", "x", "-n", "true")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("options go before NAME");
    }

    @Test
    void conflictingOrOutOfRangeOptionsAreUsageErrors() {
        assertThat(run("exec", "-n", "-w", "1s", "x", "--", "true")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("exec", "-E", "300", "x", "--", "true")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("exec", "--lease", "0", "x", "--", "true")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("exec", "--on-lost", "panic", "x", "--", "true")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("exec", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("unlock", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("frobnicate")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aLeaseOutsideWardensLimitsIsAUsageErrorNamingTheLimitBeforeAnyConnection() {
        assertThat(run("exec", "--redis", "redis://127.0.0.1:1", "--lease", "4000d", "x", "--", "true"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString())
                .contains("default lease time must be at most 3650 days")
                .contains("PT96000H");
        assertThat(run("exec", "--redis", "redis://127.0.0.1:1", "--lease", "0.5ms", "x", "--", "true"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--lease 0.5ms is too short: at least 100ms");
    }

    @Test
    void withoutMaxHoldExecAsksForTheLongestHoldWardenAccepts() {
        assertThat(ExecCommand.NO_MAX_HOLD).isEqualTo(Duration.ofDays(3650));
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(Json.string("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
