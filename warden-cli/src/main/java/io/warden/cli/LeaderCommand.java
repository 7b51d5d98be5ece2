package io.warden.cli;

import io.warden.LeaseLostEvent;
import io.warden.LeaseLostException;
import io.warden.LossPolicy;
import io.warden.TaskLock;
import io.warden.TaskResult;
import io.warden.Warden;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.event.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden leader}: runs a command while this process is the leader of an election, stops it
 * when leadership is lost, and campaigns again. The election is the lock of the same name, as with
 * {@code warden exec} (and {@link Warden#leader} in the library): each term is one lease.
 */
@Command(
        name = "leader",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        customSynopsis = "warden leader [OPTIONS] NAME [--] COMMAND [ARGS...]",
        header = "Run a command while this process is the leader.",
        description = {
            "Campaigns for leadership of NAME (waiting as long as it takes; several machines run the same"
                    + " line and one leads), runs COMMAND while leader, and keeps the lease alive. If"
                    + " leadership is lost, COMMAND gets SIGTERM as soon as warden knows (when Redis is"
                    + " unreachable: before the lease can expire and another machine be elected), SIGKILL"
                    + " after --kill-grace; then warden campaigns again and runs COMMAND anew when elected,"
                    + " or with --once exits 76. When COMMAND exits by itself, warden resigns and exits with"
                    + " its code.",
            "",
            "COMMAND sees WARDEN_LOCK_NAME and WARDEN_FENCING_TOKEN (the term: larger for every new"
                    + " leader). Signals are passed on as with warden exec.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Durations: 500ms, 30s, 5m, 1h, 2d, 1.5s, or ISO-8601 such as PT30S.",
            "",
            "Examples:",
            "  warden leader --lease 10s billing -- ./billing-worker",
            "      one worker across the machines; a dead leader is replaced within 10 s",
            "",
            "Exit codes:"
        })
final class LeaderCommand implements Callable<Integer> {
    private static final Set<String> STOPS = Set.of("INT", "TERM", "HUP");

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--lease",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = {
                "Lease time of a term, renewed every third of it while COMMAND runs: a leader that dies or"
                        + " hangs is replaced after at most this long. At least 100ms. Default: ${DEFAULT-VALUE}."
            })
    private Duration lease;

    @Option(names = "--once", description = "Exit with code 76 when leadership is lost, instead of campaigning again.")
    private boolean once;

    @Option(
            names = "--kill-grace",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Time between SIGTERM and SIGKILL when leadership is lost. Default: ${DEFAULT-VALUE}.")
    private Duration killGrace;

    @Parameters(index = "0", paramLabel = "NAME", description = "The election's name (the name of its lock).")
    private String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, best after --.")
    private List<String> command = List.of();

    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        List<String> argv = ChildCommands.argv(cli, name, command, "warden leader [OPTIONS] NAME -- COMMAND");
        ChildCommands.checkLease(cli, lease);
        PrintWriter err = cli.getErr();
        AtomicReference<GuardedCommand> current = new AtomicReference<>(newChild(argv, err));
        AtomicInteger stopped = new AtomicInteger();
        SignalForwarding.install((signal, number) -> {
            if (STOPS.contains(signal)) {
                stopped.compareAndSet(0, number);
            }
            current.get().signal(signal, number);
        });
        current.get().redisAddress(connection.address());
        Warden warden;
        try {
            // A standby may start before Redis does: it keeps trying, as it keeps campaigning.
            warden = ChildCommands.connectWithin(connection, lease, Long.MAX_VALUE);
        } catch (InterruptedException | RuntimeException e) {
            return ChildCommands.stoppedOr(current.get(), () -> Problems.report(e, name, err));
        }
        try (warden) {
            while (true) {
                GuardedCommand child = current.get();
                child.redisAddress(warden.redisAddress());
                if (stopped.get() != 0) {
                    return ExitCodes.SIGNAL_BASE + stopped.get();
                }
                try {
                    return term(warden, child);
                } catch (LeaseLostException e) {
                    String outcome = child.outcomeAfterLoss(e.result().orElse("?"));
                    if (once || stopped.get() != 0) {
                        report(err, e.event(), outcome, "exiting (--once)");
                        return stopped.get() != 0 ? ExitCodes.SIGNAL_BASE + stopped.get() : ExitCodes.LEASE_LOST;
                    }
                    report(err, e.event(), outcome, "campaigning again");
                    current.set(newChild(argv, err));
                }
            }
        } catch (InterruptedException e) {
            return ChildCommands.stoppedOr(current.get(), () -> Problems.report(e, name, err));
        } catch (IOException e) {
            return ChildCommands.cannotStart(e, current.get(), err);
        } catch (RuntimeException e) {
            return ChildCommands.stoppedOr(current.get(), () -> Problems.report(e, name, err));
        }
    }

    /** One term: waits to be elected, runs the command, resigns; the command's exit code. */
    private int term(Warden warden, GuardedCommand child) throws InterruptedException, IOException {
        TaskLock task = warden.task(name)
                .lockAtMostFor(ExecCommand.NO_MAX_HOLD)
                .lossPolicy(LossPolicy.NOTIFY)
                .logLevel(Level.DEBUG)
                .listener(child);
        TaskResult<Integer> result = task.runWhenFree(ExecCommand.FOREVER, child::run);
        return result.value().orElse(ExitCodes.INTERNAL);
    }

    private GuardedCommand newChild(List<String> argv, PrintWriter err) {
        return new GuardedCommand(
                argv,
                name,
                GuardedCommand.OnLost.KILL,
                killGrace,
                err,
                ChildLaunch.forThisProcess(System.getenv("PATH")));
    }

    private void report(PrintWriter err, LeaseLostEvent event, String outcome, String next) {
        err.println(Problems.about(
                name,
                connection.address(),
                "leadership lost: " + event.cause() + " (" + Durations.humanize(event.detail()) + "); " + outcome + "; "
                        + next));
        err.flush();
    }
}
