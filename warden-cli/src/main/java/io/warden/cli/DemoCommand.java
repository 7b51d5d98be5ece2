package io.warden.cli;

import io.warden.RedisUnavailableException;
import io.warden.Warden;
import io.warden.cli.demo.Demo;
import io.warden.cli.demo.Timeline;
import io.warden.testkit.RedisServer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code warden demo}: shows, and checks, what the lock guarantees, in under 30 seconds. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        header = "Show, and check, what the lock guarantees (under 30 s).",
        description = {
            "Shows Warden at work, with timestamps, and checks each claim as it goes:",
            "  1. workers with their own connections contend for one lock: no overlap;",
            "  2. a 5 s job keeps its 2 s lease alive with the watchdog; others are",
            "     refused throughout;",
            "  3. a worker process killed (SIGKILL) while holding the lock: the lock is",
            "     free again when its lease runs out;",
            "  4. a worker process frozen (SIGSTOP) past its lease: another takes the",
            "     lock with a higher fencing token, and the frozen one's late write is",
            "     refused by a fenced resource.",
            "It ends with a PASS/FAIL summary.",
            "",
            "Without --redis it starts a throwaway redis-server (from $WARDEN_REDIS_SERVER or the PATH)"
                    + " and touches no other Redis. With --redis it uses that server, or, if nothing answers"
                    + " there, says so and starts its own; it writes only keys under a random prefix"
                    + " 'warden-demo-...' and deletes them at the end.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  warden demo",
            "  warden demo --redis redis://localhost:6379",
            "",
            "Exit codes:",
            "  0   every check passed",
            "  1   a check failed",
            "  64  bad usage",
            "  69  no Redis: nothing answers at --redis and no redis-server could be started",
            "  70  internal error"
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--redis",
            paramLabel = "URI",
            description = "A Redis to run the demo on (its other keys are left alone). Default: a throwaway one.")
    private String redis;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log Warden's activity (DEBUG) and print stack traces with errors.")
    private void setVerbose(boolean on) {
        if (on) {
            Logging.verbose();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintWriter err = spec.commandLine().getErr();
        Timeline timeline = new Timeline(out);
        RedisServer own = null;
        String uri = redis;
        try {
            if (uri == null || !answers(uri)) {
                timeline.log(
                        uri == null
                                ? "no --redis given: starting a throwaway redis-server"
                                : "nothing answers at " + ConnectionOptions.redacted(uri)
                                        + ": starting a throwaway redis-server instead");
                try {
                    own = Demo.startThrowawayRedis();
                } catch (RuntimeException e) {
                    err.println("warden: demo: no Redis to run on: " + e.getMessage());
                    err.println("Install redis-server (or set WARDEN_REDIS_SERVER to one),"
                            + " or pass --redis URI of a running Redis.");
                    err.flush();
                    return ExitCodes.REDIS_UNAVAILABLE;
                }
                uri = own.uri();
                timeline.log("started redis-server %s on %s (pid %d)", own.version(), uri, own.pid());
            }
            boolean passed = new Demo(uri, out, timeline).run();
            return passed ? ExitCodes.OK : ExitCodes.FREE;
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /**
     * False only if nothing answers at {@code uri}; a malformed URI or a Redis that refuses the
     * credentials is reported (64, 77, 78) rather than replaced by a throwaway server.
     */
    private static boolean answers(String uri) {
        RedisUriCheck.check(uri);
        try (Warden probe =
                Warden.builder().uri(uri).commandTimeout(Duration.ofSeconds(2)).build()) {
            return probe != null;
        } catch (RedisUnavailableException e) {
            if (RedisRefusals.exitCode(e).isPresent()) {
                throw e;
            }
            return false;
        }
    }
}
