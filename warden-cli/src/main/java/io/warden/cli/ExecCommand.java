package io.warden.cli;

import io.warden.HolderInfo;
import io.warden.LeaseLostEvent;
import io.warden.LeaseLostException;
import io.warden.LeaseOptions;
import io.warden.LossPolicy;
import io.warden.TaskLock;
import io.warden.TaskResult;
import io.warden.Warden;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.event.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden exec}: runs a command while holding a lock, like flock(1) across machines. */
@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        customSynopsis = "warden exec [OPTIONS] NAME [--] COMMAND [ARGS...]",
        header = "Run a command while holding a lock.",
        description = {
            "Acquires the lock NAME, runs COMMAND with warden's stdin, stdout and stderr, keeps the"
                    + " lease alive (watchdog) while it runs, releases the lock when it exits, and exits"
                    + " with its exit code. Without -n or -w, waits as long as it takes (as flock does).",
            "",
            "COMMAND sees WARDEN_LOCK_NAME and WARDEN_FENCING_TOKEN in its environment. The token is"
                    + " larger for every new holder: a resource that refuses writes carrying a lower"
                    + " token than the last it accepted is safe even from a holder that was paused past"
                    + " its lease.",
            "",
            "SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 sent to warden are passed on to COMMAND, once (SIGQUIT"
                    + " is ignored: the JVM reserves it): from a terminal,"
                    + " COMMAND shares warden's process group and gets Ctrl-C and hangups from the terminal"
                    + " itself; elsewhere it runs in a session of its own (setsid). Warden releases the"
                    + " lock after COMMAND exits. If warden itself is killed (SIGKILL), the lock is free"
                    + " again when its lease runs out, and on Linux with setpriv(1) COMMAND gets SIGTERM"
                    + " at once (its own children are its business).",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Durations: 500ms, 30s, 5m, 1h, 2d, 1.5s, or ISO-8601 such as PT30S.",
            "",
            "Examples:",
            "  warden exec nightly-report -- ./report.sh",
            "      wait for the lock as long as it takes, then run",
            "  warden exec -n backup -- pg_dump -f /backups/db.sql app",
            "      skip with exit 75 if another machine is already running it",
            "  warden exec -w 30s -E 0 -q cleanup -- ./cleanup.sh",
            "      wait up to 30 s; if still busy, exit 0 quietly (as if done)",
            "  warden exec --min-hold 5m --max-hold 1h report -- ./report.sh",
            "      cron on many machines: at most one run per 5 minutes, none over 1 hour",
            "  warden exec --permits 3 -w 10m partner-api -- ./sync.sh",
            "      at most 3 runs at once across all machines; wait up to 10 minutes",
            "  warden exec --redis redis://redis.internal:6379 --lease 10s deploy \\",
            "      -- make deploy",
            "",
            "Exit codes:"
        })
final class ExecCommand implements Callable<Integer> {
    /** The shortest lease the watchdog can keep across a few milliseconds of round trip and pauses. */
    static final Duration MIN_LEASE = Duration.ofMillis(100);

    /** "Forever" for waits: a wait this long saturates to an unbounded one. */
    static final Duration FOREVER = Duration.ofDays(36_500);

    /** "No limit" for the maximum hold: the longest lockAtMostFor Warden accepts (3650 days). */
    static final Duration NO_MAX_HOLD = LeaseOptions.MAX_LEASE_TIME;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = {"-n", "--no-wait"},
            description = "Do not wait: if the lock is held, exit at once with the conflict code.")
    private boolean noWait;

    @Option(
            names = {"-w", "--wait"},
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Wait at most DURATION for the lock, then give up with the conflict code. The wait"
                    + " also covers reaching Redis: a connection that fails (not listening yet, timed out)"
                    + " is tried again until then. Without -w, one connection attempt, bounded by --timeout,"
                    + " then exit 69; once connected, the wait is unbounded.")
    private Duration wait;

    @Option(
            names = {"-E", "--conflict-exit-code"},
            paramLabel = "N",
            defaultValue = "75",
            description = "Exit code when the lock was not acquired (0-255). Default: ${DEFAULT-VALUE} (EX_TEMPFAIL).")
    private int conflictExitCode;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print nothing when the lock was not acquired (the exit code says it).")
    private boolean quiet;

    @Option(
            names = "--lease",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = {
                "Lease time, renewed by the watchdog every third of it while COMMAND runs. If warden "
                        + "dies or hangs, others get the lock after at most this long. At least 100ms. "
                        + "Default: ${DEFAULT-VALUE}."
            })
    private Duration lease;

    @Option(
            names = "--min-hold",
            paramLabel = "DURATION",
            defaultValue = "0",
            converter = DurationConverter.class,
            description = {
                "Keep the lock at least this long from the start, even if COMMAND ends sooner "
                        + "(lockAtLeastFor), so runs that fire a little later elsewhere skip. Default: none."
            })
    private Duration minHold;

    @Option(
            names = "--max-hold",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = {
                "Never hold the lock longer than this (lockAtMostFor): the lease is then lost and "
                        + "--on-lost applies. Default: no limit while COMMAND runs."
            })
    private Duration maxHold;

    @Option(
            names = "--on-lost",
            paramLabel = "kill|ignore",
            defaultValue = "kill",
            description = {
                "If the lease is lost while COMMAND runs: kill (SIGTERM to COMMAND and its "
                        + "descendants, SIGKILL after --kill-grace) or ignore (let it finish). Either way "
                        + "warden then exits with code 76 and says why on stderr. Default: ${DEFAULT-VALUE}."
            })
    private GuardedCommand.OnLost onLost;

    @Option(
            names = "--permits",
            paramLabel = "N",
            description = {
                "Semaphore mode: NAME is a semaphore of N permits, and COMMAND runs while holding one, so"
                        + " at most N runs go on at once across machines. Every machine must give the same N"
                        + " (a different N is refused). Waiting, --lease, --on-lost and exit codes as for a lock."
            })
    private Integer permits;

    @Option(
            names = "--kill-grace",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Time between SIGTERM and SIGKILL with --on-lost kill. Default: ${DEFAULT-VALUE}.")
    private Duration killGrace;

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock's name.")
    private String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, best after --.")
    private List<String> command = List.of();

    @Override
    public Integer call() {
        List<String> argv = validate();
        PrintWriter err = spec.commandLine().getErr();
        GuardedCommand child = new GuardedCommand(
                argv, name, onLost, killGrace, err, ChildLaunch.forThisProcess(System.getenv("PATH")));
        SignalForwarding.install(child::signal);
        child.redisAddress(connection.address());
        long connectStart = System.nanoTime();
        Warden warden;
        try {
            warden = ChildCommands.connectWithin(connection, lease, wait == null ? 0 : wait.toNanos());
        } catch (InterruptedException e) {
            return ChildCommands.stoppedOr(child, () -> Problems.report(e, name, err));
        } catch (RuntimeException e) {
            return ChildCommands.stoppedOr(child, () -> Problems.report(e, name, err));
        }
        Duration connecting = Duration.ofNanos(System.nanoTime() - connectStart);
        Duration waitLeft =
                wait == null ? FOREVER : wait.compareTo(connecting) > 0 ? wait.minus(connecting) : Duration.ZERO;
        if (permits != null) {
            try (warden) {
                child.redisAddress(warden.redisAddress());
                return new PermitRun(warden.semaphore(name, permits), child, err)
                        .run(
                                noWait ? null : waitLeft,
                                maxHold,
                                minHold,
                                () -> conflict(Optional.empty(), warden.redisAddress(), err));
            }
        }
        try (warden) {
            child.redisAddress(warden.redisAddress());
            TaskLock task = warden.task(name)
                    .lockAtMostFor(maxHold != null ? maxHold : NO_MAX_HOLD)
                    .lockAtLeastFor(minHold)
                    .lossPolicy(LossPolicy.NOTIFY)
                    .logLevel(Level.DEBUG)
                    .listener(child);
            TaskResult<Integer> result = noWait ? task.runIfFree(child::run) : task.runWhenFree(waitLeft, child::run);
            if (!result.executed()) {
                return conflict(result.holder(), warden.redisAddress(), err);
            }
            return result.value().orElse(ExitCodes.INTERNAL);
        } catch (LeaseLostException e) {
            return leaseLost(e, child, err);
        } catch (InterruptedException e) {
            return ChildCommands.stoppedOr(child, () -> Problems.report(e, name, err));
        } catch (IOException e) {
            return ChildCommands.cannotStart(e, child, err);
        } catch (RuntimeException e) {
            return ChildCommands.stoppedOr(child, () -> Problems.report(e, name, err));
        }
    }

    private List<String> validate() {
        CommandLine cli = spec.commandLine();
        List<String> argv = ChildCommands.argv(cli, name, command, "warden exec [OPTIONS] NAME -- COMMAND");
        if (noWait && wait != null) {
            throw new CommandLine.ParameterException(cli, "-n/--no-wait and -w/--wait exclude each other");
        }
        if (conflictExitCode < 0 || conflictExitCode > 255) {
            throw new CommandLine.ParameterException(cli, "-E/--conflict-exit-code must be 0-255");
        }
        ChildCommands.checkLease(cli, lease);
        if (permits != null && permits < 1) {
            throw new CommandLine.ParameterException(cli, "--permits must be at least 1");
        }
        if (maxHold != null && (maxHold.isZero() || minHold.compareTo(maxHold) > 0)) {
            throw new CommandLine.ParameterException(
                    cli, "--max-hold must be positive and at least --min-hold (" + minHold + ")");
        }
        return argv;
    }

    int conflict(Optional<HolderInfo> holder, String address, PrintWriter err) {
        if (!quiet) {
            String by = holder.map(h -> "held by " + h)
                    .orElse(permits != null ? "all " + permits + " permits are held" : "held by another owner");
            String what = noWait ? by : "not acquired within " + describe(wait != null ? wait : FOREVER) + ": " + by;
            err.println(Problems.about(name, address, what));
            err.flush();
        }
        return conflictExitCode;
    }

    private int leaseLost(LeaseLostException e, GuardedCommand child, PrintWriter err) {
        LeaseLostEvent event = e.event();
        err.println(Problems.about(
                name,
                e.redisAddress(),
                "lease lost while the command ran: " + event.cause() + " (" + Durations.humanize(event.detail()) + "); "
                        + child.outcomeAfterLoss(e.result().orElse("?"))));
        err.flush();
        return ExitCodes.LEASE_LOST;
    }

    private static String describe(Duration duration) {
        return duration.equals(FOREVER)
                ? "forever"
                : duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
