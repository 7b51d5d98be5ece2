package io.warden.cli;

import io.warden.HolderInfo;
import io.warden.LockInfo;
import io.warden.Warden;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden list}: the locks held right now. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        sortOptions = false,
        header = "List the locks held right now.",
        description = {
            "Lists the locks held right now under the key prefix (--prefix), one row each: name, time"
                    + " left on the lease, fencing token, holder. Found with SCAN, never KEYS: safe on a"
                    + " busy server, but slower on a large database. A snapshot: it may change at once.",
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
            "  0   listed (also when no lock is held)",
            "  64  bad usage, including a malformed Redis URI",
            "  69  Redis unreachable",
            "  70  internal error",
            "  77  Redis refused the credentials, or an ACL denied a command or key",
            "  78  Redis refused the configuration (a database number it does not have)"
        })
final class ListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--json", description = "Print a JSON array of objects as warden status --json prints them.")
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
        List<LockInfo> held;
        try (Warden warden = connection.connect()) {
            held = warden.admin().list(namePrefix);
        } catch (RuntimeException e) {
            return Problems.report(e, null, spec.commandLine().getErr());
        }
        if (json) {
            out.println(Json.locks(held));
        } else if (held.isEmpty()) {
            out.println("no locks held under key prefix '" + connection.keyPrefix() + "'"
                    + (namePrefix.isEmpty() ? "" : " with names starting '" + Names.shown(namePrefix) + "'"));
        } else {
            table(held, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void table(List<LockInfo> held, PrintWriter out) {
        int width = Math.max(
                4,
                held.stream()
                        .mapToInt(info -> Names.shown(info.name()).length())
                        .max()
                        .orElse(4));
        String row = "%-" + width + "s  %-9s  %-6s  %s%n";
        out.printf(Locale.ROOT, row, "NAME", "TTL", "TOKEN", "HOLDER");
        for (LockInfo info : held) {
            String holder = info.holder()
                    .map(h -> h.host() + " pid " + h.pid() + " since " + h.since())
                    .orElse("?");
            String token = info.holder()
                    .map(HolderInfo::fencingToken)
                    .map(String::valueOf)
                    .orElse("-");
            String ttl = StatusCommand.noExpiry(info) ? "no expiry" : Durations.brief(info.ttl());
            out.printf(Locale.ROOT, row, Names.shown(info.name()), ttl, token, holder);
        }
    }
}
