package io.warden.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM-wide set of processes the test kit started and has not yet seen exit, and of the directories
 * they work in. A shutdown hook kills (SIGKILL) whatever process is still in it, then deletes the
 * directories, so an aborted test run leaves no redis-server, child JVM or temp directory behind. It cannot
 * help when this JVM itself is killed with SIGKILL.
 */
final class LiveProcesses {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LiveProcesses::cleanUp, "warden-testkit-reaper"));
    }

    private LiveProcesses() {}

    static void track(Process process) {
        PROCESSES.add(process);
    }

    static void untrack(Process process) {
        PROCESSES.remove(process);
    }

    static void trackDir(Path dir) {
        DIRS.add(dir);
    }

    static void untrackDir(Path dir) {
        DIRS.remove(dir);
    }

    private static void cleanUp() {
        for (Process process : PROCESSES) {
            process.destroyForcibly();
        }
        for (Process process : PROCESSES) {
            Processes.awaitExit(process, EXIT_WAIT);
        }
        for (Path dir : DIRS) {
            TempDirs.deleteQuietly(dir);
        }
    }
}
