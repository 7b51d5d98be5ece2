package io.warden.cli;

import io.warden.HolderInfo;
import io.warden.LockInfo;
import io.warden.ReadWriteLockInfo;
import io.warden.SemaphoreInfo;
import io.warden.Warden;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden status}: whether a lock is held, by whom, for how much longer. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        header = "Show whether a lock is held, by whom, and for how long.",
        description = {
            "Shows whether the lock NAME is held, its holder (host, pid, since when), the time left on"
                    + " its lease, and the last fencing token issued for it. A snapshot: it may change"
                    + " at once. When no lock NAME is held but the read-write lock NAME is in use, shows"
                    + " its writer, readers and waiting writer (exit 0; 65 if its keys hold data Warden"
                    + " did not write); else, when a semaphore NAME exists (warden exec --permits), shows"
                    + " the semaphore: its permits and each holder (exit 0 if any).",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  warden status backup",
            "  warden status backup --json | jq .holder.host",
            "  if warden status -q backup; then echo busy; fi",
            "",
            "Exit codes:",
            "  0   the lock is held",
            "  1   the lock is free",
            "  64  bad usage, including a malformed Redis URI",
            "  65  the lock's key or its fencing counter holds data Warden did not write (as exec"
                    + " would refuse it)",
            "  69  Redis unreachable",
            "  70  internal error",
            "  77  Redis refused the credentials, or an ACL denied a command or key",
            "  78  Redis refused the configuration (a database number it does not have), or its TLS certificate is not trusted"
        })
final class StatusCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--json",
            description = "Print one JSON object. For a lock (kind lock): name, state (HELD, FREE or"
                    + " FOREIGN), holder {host, pid, since, fencingToken} or null, ttlMillis (-1: the key"
                    + " has no expiry), lastFencingToken, foreignKey (the key holding data Warden did not"
                    + " write) or null, queued and nextInQueue {host, pid} (a fair lock's waiters). For a"
                    + " semaphore (kind semaphore) or read-write lock (kind read-write), as shown above:"
                    + " permits, unitsHeld and holders; writer, readers and waitingWriter."
                    + " Shape: docs/cli-json.md.")
    private boolean json;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print nothing; only the exit code tells.")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "NAME", description = "The lock's name.")
    private String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LockInfo info;
        ReadWriteLockInfo readWrite = null;
        SemaphoreInfo semaphore = null;
        try (Warden warden = connection.connect()) {
            info = warden.admin().inspect(name);
            if (info.state() == LockInfo.State.FREE) {
                readWrite = readWrite(warden, name);
                semaphore = readWrite == null ? semaphore(warden, name) : null;
            }
        } catch (RuntimeException e) {
            return Problems.report(e, name, spec.commandLine().getErr());
        }
        if (readWrite != null) {
            // The plain lock is free, and the read-write lock of that name is in use.
            if (json) {
                out.println(Json.readWrite(readWrite));
            } else if (!quiet) {
                out.println(ReadWriteText.describe(readWrite));
            }
            out.flush();
            return readWrite.foreignKey().isPresent() ? ExitCodes.FOREIGN_KEY : ExitCodes.OK;
        }
        if (semaphore != null) {
            if (json) {
                out.println(Json.semaphore(semaphore));
            } else if (!quiet) {
                out.println(semaphoreText(semaphore));
            }
            out.flush();
            return semaphore.holders().isEmpty() ? ExitCodes.FREE : ExitCodes.OK;
        }
        if (json) {
            out.println(Json.lock(info));
        } else if (!quiet) {
            out.println(text(info));
        }
        out.flush();
        return switch (info.state()) {
            case HELD -> ExitCodes.OK;
            case FREE -> ExitCodes.FREE;
            case FOREIGN -> ExitCodes.FOREIGN_KEY;
        };
    }

    /** The semaphore called {@code name} if it has a stored limit or holders, else null (and on Redlock). */
    private static @org.jspecify.annotations.Nullable SemaphoreInfo semaphore(Warden warden, String name) {
        SemaphoreInfo seen;
        try {
            seen = warden.admin().inspectSemaphore(name);
        } catch (UnsupportedOperationException redlock) {
            return null;
        }
        return seen.permits().isPresent() || !seen.holders().isEmpty() ? seen : null;
    }

    /** The read-write lock called {@code name} if it is held, waited for (by a writer or readers) or foreign, else null. */
    private static @org.jspecify.annotations.Nullable ReadWriteLockInfo readWrite(Warden warden, String name) {
        ReadWriteLockInfo info;
        try {
            info = warden.admin().inspectReadWrite(name);
        } catch (UnsupportedOperationException redlock) {
            return null;
        }
        return info.isHeld()
                        || info.waitingWriter().isPresent()
                        || info.admittedReaders() + info.waitingReaders() > 0
                        || info.foreignKey().isPresent()
                ? info
                : null;
    }

    private static String text(LockInfo info) {
        String token = "last fencing token " + info.lastFencingToken();
        return switch (info.state()) {
            case HELD ->
                "lock '" + Names.shown(info.name()) + "' is held by "
                        + info.holder().map(StatusCommand::holder).orElse("an unknown holder")
                        + ", "
                        + info.ttl()
                                .map(ttl -> Durations.brief(ttl) + " left on its lease")
                                .orElse("no expiry on its key (it stays until unlock --force)")
                        + "; " + token + queue(info) + ended(info);
            case FREE -> "lock '" + Names.shown(info.name()) + "' is free; " + token;
            case FOREIGN ->
                "lock '" + Names.shown(info.name()) + "': " + foreign(info)
                        + "; warden exec refuses this lock and unlock --force leaves it (exit 65)";
        };
    }

    /** A semaphore (NAME names no held lock but a semaphore): its limit and holders, one per line. */
    private static String semaphoreText(SemaphoreInfo info) {
        StringBuilder text = new StringBuilder("semaphore '")
                .append(Names.shown(info.name()))
                .append("': ")
                .append(info.unitsHeld())
                .append(" of ")
                .append(info.permits().map(String::valueOf).orElse("?"))
                .append(" permits held");
        for (SemaphoreInfo.PermitHolderInfo holder : info.holders()) {
            text.append(System.lineSeparator())
                    .append("  ")
                    .append(holder.units())
                    .append(holder.units() == 1 ? " permit" : " permits")
                    .append(" held by ")
                    .append(holder.holder().map(StatusCommand::holder).orElse("an unknown holder"))
                    .append(", ")
                    .append(Durations.brief(holder.ttl()))
                    .append(" left on its lease");
        }
        return text.append(System.lineSeparator())
                .append("last fencing token ")
                .append(info.lastFencingToken())
                .toString();
    }

    /** For a fair lock with waiters: how many, and who is next. */
    static String queue(LockInfo info) {
        if (info.queued() == 0) {
            return "";
        }
        return "; " + info.queued() + " waiting in its fair queue, next "
                + info.nextInQueue().map(h -> h.host() + " pid " + h.pid()).orElse("unknown");
    }

    /** Which key holds data Warden did not write. */
    static String foreign(LockInfo info) {
        String key = Names.shown(info.foreignKey().orElse("?"));
        return info.foreignKey()
                        .filter(k -> k.endsWith(":{" + info.name() + "}:fence"))
                        .isPresent()
                ? "its fencing counter '" + key + "' holds data Warden did not write"
                : "its key '" + key + "' holds data Warden did not write";
    }

    /** For a holder that is gone from this machine: why the lock is still held. */
    private static String ended(LockInfo info) {
        return info.holder().filter(HolderProcess::endedHere).isPresent()
                ? ". Pid " + info.holder().get().pid() + " no longer runs here: its command finished (or warden"
                        + " died) and the lock is kept until its lease ends at "
                        + Instant.now()
                                .plus(info.ttl().orElse(Duration.ZERO))
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + ", as --min-hold asks"
                : "";
    }

    static String holder(HolderInfo holder) {
        Duration held = Duration.between(holder.since(), Instant.now());
        return holder.host() + " pid " + holder.pid() + " since " + holder.since() + " ("
                + Durations.brief(held.isNegative() ? Duration.ZERO : held) + " ago, fencing token "
                + holder.fencingToken() + ")";
    }
}
