package io.warden.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code warden} command: only help, version and the subcommands. */
@Command(
        name = "warden",
        mixinStandardHelpOptions = true,
        versionProvider = WardenCommand.Version.class,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.INTERNAL,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Distributed locks on Redis from the shell: run a command while holding a lock that every"
                    + " machine sharing the Redis respects, and inspect or clear locks.",
            ""
        },
        footerHeading = "%n",
        footer = {
            "Redis: --redis URI on each command, else $WARDEN_REDIS_URL, else $REDIS_URL,",
            "else redis://localhost:6379. $WARDEN_REDIS_PASSWORD is the password of a redis:// or",
            "rediss:// URI that names none (redis://USER@host for an ACL user), kept out of ps.",
            "",
            "Examples:",
            "  warden exec nightly-report -- ./report.sh   run it, waiting for the lock",
            "  warden exec -n backup -- ./backup.sh        skip (exit 75) if it is running",
            "  warden exec -w 5m --lease 10s deploy -- make deploy",
            "  warden status backup --json",
            "  warden list",
            "  warden unlock --force backup",
            "  warden demo                                 see it work, with checks",
            "",
            "'warden COMMAND --help' documents each command's options.",
            "",
            "Exit codes:"
        })
final class WardenCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = WardenCommand.class.getPackage().getImplementationVersion();
            return new String[] {"warden " + (version == null ? "(development build)" : version)};
        }
    }
}
