package io.warden.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Entry point of the {@code warden} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Logging.quietByDefault();
        Arguments.Decoded decoded = Arguments.decode(args);
        int code;
        if (decoded.problem().isPresent()) {
            System.err.println("warden: " + decoded.problem().get());
            code = ExitCodes.USAGE;
        } else {
            code = run(decoded.args());
        }
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code, without exiting. */
    static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new WardenCommand())
                .addSubcommand(new ExecCommand())
                .addSubcommand(new LeaderCommand())
                .addSubcommand(new StatusCommand())
                .addSubcommand(new ListCommand())
                .addSubcommand(new UnlockCommand())
                .addSubcommand(new DemoCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(
                        (error, commandLine, parseResult) -> Problems.report(error, null, commandLine.getErr()));
        // The command follows NAME verbatim, options and all: `warden exec lock ls -l` runs `ls -l`.
        cli.getSubcommands().get("exec").setStopAtPositional(true);
        cli.getSubcommands().get("leader").setStopAtPositional(true);
        appendExitCodes(cli);
        appendExitCodes(cli.getSubcommands().get("exec"));
        appendExitCodes(cli.getSubcommands().get("leader"));
        return cli;
    }

    private static void appendExitCodes(CommandLine command) {
        String[] footer = command.getCommandSpec().usageMessage().footer();
        String[] withCodes = Arrays.copyOf(footer, footer.length + ExitCodes.TABLE.length);
        System.arraycopy(ExitCodes.TABLE, 0, withCodes, footer.length, ExitCodes.TABLE.length);
        command.getCommandSpec().usageMessage().footer(withCodes);
    }

    /** As git and docker say it: "unknown command 'foo'" rather than picocli's "Unmatched argument". */
    private static String message(CommandLine.ParameterException error) {
        if (error instanceof CommandLine.UnmatchedArgumentException unmatched
                && error.getCommandLine().getParent() == null
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            List<String> suggestions = unmatched.getSuggestions();
            return "unknown command '" + unmatched.getUnmatched().get(0) + "'"
                    + (suggestions.isEmpty() ? "" : "; did you mean '" + suggestions.get(0) + "'?");
        }
        return error.getMessage();
    }

    /** One line naming the problem and where to read more, as GNU tools do; never the whole help. */
    private static int usageError(CommandLine.ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("warden: " + message(error));
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
