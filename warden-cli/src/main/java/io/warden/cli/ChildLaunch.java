package io.warden.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How {@code warden exec} starts its command, and which signals it must pass on to it.
 *
 * <ul>
 *   <li>As a terminal's foreground job, the command stays in warden's process group, so it can use the
 *       terminal (prompts, Ctrl-Z) and gets Ctrl-C, Ctrl-\ and hangups from the terminal itself: warden
 *       passes on only SIGTERM, which is sent to one process.
 *   <li>Otherwise (cron, services, scripts, background jobs) it runs in a session of its own through
 *       {@code setsid}, so a signal sent to warden's process group reaches it once, from warden.
 * </ul>
 *
 * <p>Where util-linux's {@code setpriv} is present, the command is also started with a parent-death
 * signal: SIGTERM when warden dies, even of SIGKILL. Without {@code setsid} or {@code setpriv} (not
 * Linux), the command runs as a plain child and warden passes on every signal.
 */
final class ChildLaunch {
    private static final Set<String> FROM_TERMINAL = Set.of("INT", "QUIT", "HUP");

    private final boolean sharesTerminalGroup;
    private final List<String> prefix;

    private ChildLaunch(boolean sharesTerminalGroup, List<String> prefix) {
        this.sharesTerminalGroup = sharesTerminalGroup;
        this.prefix = List.copyOf(prefix);
    }

    /** The launch for this warden: its terminal and the tools on {@code path} (null: the default). */
    static ChildLaunch forThisProcess(String path) {
        boolean foreground = Terminal.isForegroundJob();
        List<String> prefix = new ArrayList<>();
        String setpriv = find("setpriv", path);
        if (setpriv != null) {
            prefix.addAll(List.of(setpriv, "--pdeathsig", "TERM", "--"));
        }
        String setsid = foreground ? null : find("setsid", path);
        if (setsid != null) {
            prefix.addAll(List.of(setsid, "--"));
        }
        return new ChildLaunch(foreground, prefix);
    }

    /** The argv to start {@code command} with. */
    List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(command);
        return argv;
    }

    /** False for a signal the command gets anyway: one the terminal sends to the whole group. */
    boolean passesOn(String signal) {
        return !(sharesTerminalGroup && FROM_TERMINAL.contains(signal));
    }

    private static String find(String tool, String path) {
        for (String directory : (path == null ? "/usr/bin:/bin" : path + ":/usr/bin:/bin").split(":")) {
            File file = new File(directory, tool);
            if (!directory.isEmpty() && file.isFile() && file.canExecute()) {
                return file.getAbsolutePath();
            }
        }
        return null;
    }
}
