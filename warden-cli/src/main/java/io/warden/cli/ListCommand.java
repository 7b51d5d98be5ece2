package io.warden.cli;

import io.warden.HolderInfo;
import io.warden.LockInfo;
import io.warden.ReadWriteLockInfo;
import io.warden.SemaphoreInfo;
import io.warden.Warden;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden list}: the locks held right now, and whatever else is under the key prefix. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        header = "List the locks held right now, and any data Warden did not write under the prefix.",
        description = {
            "Lists the locks held right now under the key prefix (--prefix), one row each: name, time"
                    + " left on the lease, fencing token, holder. Found with SCAN, never KEYS: safe on a"
                    + " busy server, but slower on a large database. A snapshot: it may change at once."
                    + " Read-write locks in use follow, one line each: writer, readers, waiting writer,"
                    + " waiting readers;"
                    + " then a table of semaphores: permits, and each holder's units, lease left, token"
                    + " and holder. A leader election's lock (warden leader) is listed as a lock: its"
                    + " key is the lock's, and records no sign of the election.",
            "",
            "Every other key under the prefix is listed too, flagged 'not written by Warden' with the"
                    + " key it concerns: a lock key or fencing counter holding another type or value, a"
                    + " key whose name no lock can have (such as a name over 512 bytes). Warden never"
                    + " takes or deletes these; they are shown, not hidden, and do not change the exit"
                    + " code. Names over 60 characters are cut in the table (--json gives them whole).",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  warden list",
            "  warden list orders:                    only names starting with 'orders:'",
            "  warden list --prefix myapp --json      locks of the key prefix 'myapp', as JSON",
            "",
            "Exit codes:",
            "  0   listed (also when no lock is held, and when data Warden did not write was found)",
            "  64  bad usage, including a malformed Redis URI",
            "  69  Redis unreachable",
            "  70  internal error",
            "  77  Redis refused the credentials, or an ACL denied a command or key",
            "  78  Redis refused the configuration (a database number it does not have), or its TLS certificate is not trusted"
        })
final class ListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(
            names = "--json",
            description = "Print one JSON array of objects as warden status --json prints them, sorted by"
                    + " name: locks (kind lock; a fair lock's waiters in queued and nextInQueue),"
                    + " semaphores (kind semaphore) and read-write locks (kind read-write); state"
                    + " FOREIGN and foreignKey for what Warden did not write. Shape: docs/cli-json.md.")
    private boolean json;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "NAME_PREFIX",
            defaultValue = "",
            description = "Only locks whose names start with this. Default: all.")
    private String namePrefix;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<LockInfo> found;
        List<ReadWriteLockInfo> readWrite;
        List<SemaphoreInfo> semaphores;
        try (Warden warden = connection.connect()) {
            found = warden.admin().list(namePrefix);
            readWrite = warden.admin().listReadWrite(namePrefix);
            semaphores = semaphores(warden, namePrefix);
        } catch (RuntimeException e) {
            return Problems.report(e, null, spec.commandLine().getErr());
        }
        if (json) {
            out.println(Json.all(found, semaphores, readWrite));
        } else if (found.isEmpty() && readWrite.isEmpty() && semaphores.isEmpty()) {
            out.println("no locks held under key prefix '" + connection.keyPrefix() + "'"
                    + (namePrefix.isEmpty() ? "" : " with names starting '" + Names.shown(namePrefix) + "'"));
        } else {
            if (!found.isEmpty()) {
                table(found, out);
            }
            readWrite.forEach(info -> out.println(ReadWriteText.describe(info)));
            if (!semaphores.isEmpty()) {
                if (!found.isEmpty() || !readWrite.isEmpty()) {
                    out.println();
                }
                semaphoreTable(semaphores, out);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The semaphores in use or with a stored limit; none on Redlock, which serves no semaphores. */
    private static List<SemaphoreInfo> semaphores(Warden warden, String namePrefix) {
        try {
            return warden.admin().listSemaphores(namePrefix);
        } catch (UnsupportedOperationException redlock) {
            return List.of();
        }
    }

    /** Longest name or key shown whole in the table: longer ones would push every row apart. */
    private static final int SHOWN = 60;

    /** The longest lock name Warden accepts, in UTF-8 bytes (the library's limit). */
    private static final int MAX_NAME_BYTES = 512;

    private static void table(List<LockInfo> found, PrintWriter out) {
        int width = Math.max(
                4,
                found.stream().mapToInt(info -> cut(info.name()).length()).max().orElse(4));
        String row = "%-" + width + "s  %-9s  %-6s  %s%n";
        out.printf(Locale.ROOT, row, "NAME", "TTL", "TOKEN", "HOLDER");
        for (LockInfo info : found) {
            String holder = info.state() == LockInfo.State.FOREIGN
                    ? foreign(info)
                    : info.holder()
                                    .map(h -> h.host() + " pid " + h.pid() + " since " + h.since())
                                    .orElse("?")
                            + (info.queued() > 0 ? " (" + info.queued() + " queued)" : "");
            String token = info.holder()
                    .map(HolderInfo::fencingToken)
                    .map(String::valueOf)
                    .orElse("-");
            String ttl = info.ttl()
                    .map(left -> left.isZero() && info.state() != LockInfo.State.HELD ? "-" : Durations.brief(left))
                    .orElse("no expiry");
            out.printf(Locale.ROOT, row, cut(info.name()), ttl, token, holder);
        }
    }

    /** One row per semaphore holder (a semaphore without holders gets one row of its own). */
    private static void semaphoreTable(List<SemaphoreInfo> found, PrintWriter out) {
        int width = Math.max(
                9,
                found.stream().mapToInt(info -> cut(info.name()).length()).max().orElse(9));
        String row = "%-" + width + "s  %-7s  %-5s  %-9s  %-6s  %s%n";
        out.printf(Locale.ROOT, row, "SEMAPHORE", "PERMITS", "UNITS", "TTL", "TOKEN", "HOLDER");
        for (SemaphoreInfo info : found) {
            String permits = info.permits().map(String::valueOf).orElse("?");
            if (info.foreignKey().isPresent()) {
                out.printf(
                        Locale.ROOT,
                        row,
                        cut(info.name()),
                        "-",
                        "-",
                        "-",
                        "-",
                        "not written by Warden: key '" + cut(info.foreignKey().get()) + "'");
                continue;
            }
            if (info.holders().isEmpty()) {
                out.printf(Locale.ROOT, row, cut(info.name()), permits, "0", "-", "-", "none");
            }
            for (SemaphoreInfo.PermitHolderInfo holder : info.holders()) {
                out.printf(
                        Locale.ROOT,
                        row,
                        cut(info.name()),
                        permits,
                        holder.units(),
                        Durations.brief(holder.ttl()),
                        holder.holder()
                                .map(h -> String.valueOf(h.fencingToken()))
                                .orElse("-"),
                        holder.holder()
                                .map(h -> h.host() + " pid " + h.pid() + " since " + h.since())
                                .orElse("?"));
            }
        }
    }

    /** Why a row is flagged, naming the key concerned. */
    private static String foreign(LockInfo info) {
        String key = cut(info.foreignKey().orElse("?"));
        if (info.name().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "not written by Warden: name over " + MAX_NAME_BYTES + " bytes (key '" + key + "')";
        }
        return info.foreignKey()
                        .filter(k -> k.endsWith(":{" + info.name() + "}:fence"))
                        .isPresent()
                ? "not written by Warden: fencing counter '" + key + "' holds another type or value"
                : "not written by Warden: key '" + key + "'";
    }

    /** A name or key as the table shows it: escaped, and cut with its length if over {@link #SHOWN}. */
    private static String cut(String text) {
        String shown = Names.shown(text);
        return shown.length() <= SHOWN
                ? shown
                : shown.substring(0, SHOWN - 20) + "...(" + text.getBytes(StandardCharsets.UTF_8).length + " bytes)";
    }
}
