package io.warden.cli;

import io.warden.RedisUnavailableException;
import io.warden.Warden;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** What {@code warden exec} and {@code warden leader} share about the command they run. */
final class ChildCommands {
    private static final Logger log = LoggerFactory.getLogger(ChildCommands.class);

    private ChildCommands() {}

    /**
     * The command to run from what follows NAME: without a leading {@code --}; refused (exit 64) if
     * missing, if it starts with an option that belongs before NAME, or if an argument or the lock
     * name cannot be passed on byte-exact.
     */
    static List<String> argv(CommandLine cli, String lockName, List<String> command, String synopsis) {
        List<String> argv = command;
        if (!argv.isEmpty() && argv.get(0).equals("--")) {
            argv = argv.subList(1, argv.size());
        }
        if (argv.isEmpty()) {
            throw new CommandLine.ParameterException(cli, "missing COMMAND: " + synopsis);
        }
        if (argv == command && argv.get(0).startsWith("-")) {
            throw new CommandLine.ParameterException(
                    cli, "'" + argv.get(0) + "' after NAME: options go before NAME; the command goes after --");
        }
        for (String text : argv) {
            String problem = Arguments.unpassable(text);
            if (problem != null) {
                throw new CommandLine.ParameterException(cli, problem);
            }
        }
        if (Arguments.unpassable(lockName) != null) {
            throw new CommandLine.ParameterException(cli, "lock name " + Arguments.unpassable(lockName));
        }
        return argv;
    }

    /**
     * Connects, with {@code lease} as the default lease time. Within {@code budgetNanos} (exec's -w;
     * unbounded for leader, which campaigns as long as it takes), a Redis that cannot be reached yet
     * (not listening, timed out: not a refusal of the credentials or configuration) is tried again
     * with a growing pause, so that a Redis restarting, or slow to accept under load, costs wait time
     * rather than the run. With a zero budget, one attempt, bounded by --timeout.
     */
    static Warden connectWithin(ConnectionOptions connection, Duration lease, long budgetNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        long pauseMillis = 100;
        while (true) {
            try {
                // One lease per process: listening for a forced unlock costs nothing worth saving.
                return connection.connect(
                        builder -> builder.defaultLeaseTime(lease).noticeForcedUnlock(true));
            } catch (RedisUnavailableException e) {
                long left = budgetNanos - (System.nanoTime() - start);
                if (left <= 0 || RedisRefusals.exitCode(e).isPresent()) {
                    throw e;
                }
                log.debug("cannot connect yet, trying again within the wait: {}", e.getMessage());
                Thread.sleep(Math.max(1, Math.min(pauseMillis, left / 1_000_000)));
                pauseMillis = Math.min(pauseMillis * 2, 1_000);
            }
        }
    }

    /** Refuses (exit 64) a lease too short for the watchdog, renewing every third of it, to keep. */
    static void checkLease(CommandLine cli, Duration lease) {
        if (lease.compareTo(ExecCommand.MIN_LEASE) < 0) {
            throw new CommandLine.ParameterException(
                    cli,
                    "--lease " + Durations.brief(lease) + " is too short: at least "
                            + Durations.brief(ExecCommand.MIN_LEASE)
                            + ", so that the watchdog, renewing every third of it, can keep it alive");
        }
    }

    /** The exit code and message when the command could not be started (126, or 127 if not found). */
    static int cannotStart(IOException e, GuardedCommand child, PrintWriter err) {
        if (e instanceof CommandPath.CannotRunException cannot) {
            err.println("warden: cannot run '" + child.commandLine() + "': " + cannot.getMessage());
            err.flush();
            return cannot.exitCode();
        }
        String message = String.valueOf(e.getMessage());
        // ENOENT, as JDK 17 ("error=2, No such file...") and later JDKs ("error: 2 (No such file...)") word it.
        boolean missing = message.contains("error=2,") || message.contains("No such file or directory");
        int cut = message.indexOf(", ");
        String reason = cut >= 0 ? message.substring(cut + 2) : message;
        err.println("warden: cannot run '" + child.commandLine() + "': " + reason);
        err.flush();
        return missing ? ExitCodes.NOT_FOUND : ExitCodes.CANNOT_RUN;
    }

    /** After a signal stopped the wait, exit as a shell would (128+N), quietly; else report. */
    static int stoppedOr(GuardedCommand child, IntSupplier report) {
        int signal = child.stopSignal();
        return signal != 0 ? ExitCodes.SIGNAL_BASE + signal : report.getAsInt();
    }
}
