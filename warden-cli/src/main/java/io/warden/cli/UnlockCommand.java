package io.warden.cli;

import io.warden.LockInfo;
import io.warden.ReadWriteLockInfo;
import io.warden.Warden;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden unlock --force}: the operator's escape hatch for a lock whose holder is gone. */
@Command(
        name = "unlock",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        header = "Remove a lock whoever holds it (needs --force).",
        description = {
            "Deletes the lock NAME whoever holds it, wakes its waiters, and says whose lock it was"
                    + " (also when its key named no holder or had no expiry). When no plain lock NAME"
                    + " is held, the read-write lock NAME is removed instead: its writer, every reader,"
                    + " a waiting writer's marker and the waiting readers' registrations.",
            "",
            "Requires --force: a holder that is still alive is told by the release message and checks"
                    + " at once (a warden exec holder then stops its command and exits 76); if it misses"
                    + " the message (disconnected), it notices at its next renewal (within a third of its"
                    + " lease). Meanwhile the next holder may already run. Use it only when the holder is"
                    + " known to be gone; otherwise its lease frees the lock by itself.",
            "When no lock NAME is held but a semaphore NAME has permits (warden exec --permits), removes"
                    + " all its permits (its number of permits is kept); their holders learn it at their"
                    + " next renewal.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  warden unlock --force backup",
            "",
            "Exit codes:",
            "  0   a held lock was removed",
            "  1   the lock was already free",
            "  64  bad usage, including a missing --force",
            "  65  the key holds data Warden did not write (left untouched)",
            "  69  Redis unreachable",
            "  70  internal error",
            "  77  Redis refused the credentials, or an ACL denied a command or key",
            "  78  Redis refused the configuration (a database number it does not have), or its TLS certificate is not trusted"
        })
final class UnlockCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--force",
            description = "Required: confirms that the lock is to be removed regardless of its owner.")
    private boolean force;

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock's name.")
    private String name;

    @Override
    public Integer call() {
        if (!force) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "unlock needs --force: it removes the lock whoever holds it, and a holder that is still"
                            + " running would then overlap with the next one");
        }
        PrintWriter out = spec.commandLine().getOut();
        Optional<LockInfo> removed;
        Optional<ReadWriteLockInfo> removedReadWrite = Optional.empty();
        int permitsRemoved = 0;
        try (Warden warden = connection.connect()) {
            removed = warden.admin().forceUnlock(name);
            if (removed.isEmpty() && !connection.redlock()) {
                // No lock of that name was held: a read-write lock's or a semaphore's holders, if any,
                // are what the operator means.
                removedReadWrite = warden.admin().forceUnlockReadWrite(name);
                if (removedReadWrite.isEmpty()) {
                    permitsRemoved = warden.admin().forceUnlockSemaphore(name);
                }
            }
        } catch (RuntimeException e) {
            return Problems.report(e, name, spec.commandLine().getErr());
        }
        if (removedReadWrite.isPresent()) {
            out.println("removed (writer, readers, waiting writer and waiting readers of) "
                    + ReadWriteText.describe(removedReadWrite.get()));
            out.flush();
            return ExitCodes.OK;
        }
        if (permitsRemoved > 0) {
            out.println("removed " + permitsRemoved + (permitsRemoved == 1 ? " permit" : " permits") + " of semaphore '"
                    + Names.shown(name) + "'; its holders learn it at their next renewal");
            out.flush();
            return ExitCodes.OK;
        }
        if (removed.isEmpty()) {
            out.println("lock '" + Names.shown(name) + "' was not held; nothing removed");
            out.flush();
            return ExitCodes.FREE;
        }
        LockInfo lock = removed.get();
        out.println("removed lock '" + Names.shown(name) + "'"
                + lock.holder()
                        .map(holder -> " held by " + StatusCommand.holder(holder))
                        .orElse(", whose key named no holder (no host, pid or since)")
                + (lock.ttl().isEmpty() ? " and had no expiry" : ""));
        out.flush();
        return ExitCodes.OK;
    }
}
