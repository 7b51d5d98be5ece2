package io.warden.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One recorded chaos run: starts a {@link ChaosCluster}, lets the {@link Nemesis} work for the run's
 * duration, stops the workers (checking for leaks), and checks the merged history. The history, the
 * accepted writes and the report stay in the run's directory; {@link Result#discardHistory()} deletes
 * all but the report of a run that passed.
 */
public final class ChaosRun {
    private ChaosRun() {}

    /** What a run produced. */
    public record Result(RunSettings settings, Path dir, Report report, ChaosCluster.LeakCheck leaks, Duration took) {
        public boolean passed() {
            return report.passed() && leaks.problems().isEmpty();
        }

        /** A summary for logs: settings, duration, the report and any leak. */
        public String describe() {
            String verdict = passed()
                    ? ""
                    : "CHAOS RUN FAILED: " + report.violations().size() + " violation(s) "
                            + report.violationsByInvariant() + (leaks.problems().isEmpty() ? "" : ", leaks")
                            + " (seed " + settings.seed() + "); details below\n";
            return verdict + "chaos run " + dir.getFileName() + " (seed " + settings.seed() + ", mode "
                    + settings.mode()
                    + ", appendonly " + settings.appendOnly() + ", faults " + settings.faults() + ") took "
                    + took.toSeconds() + " s\n" + report.format()
                    + (leaks.problems().isEmpty() ? "no leaks\n" : "LEAKS: " + leaks.problems() + "\n")
                    + (passed() ? "" : "replay: -Dchaos.seed=" + settings.seed() + "; history kept in " + dir + "\n");
        }

        /** Deletes the history files, keeping report.txt. */
        public void discardHistory() {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    if (!file.equals(dir) && !file.getFileName().toString().equals("report.txt")) {
                        Files.delete(file);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Runs {@code settings} with its history under {@code dir}, which must not exist yet. */
    public static Result run(RunSettings settings, Path dir) {
        long began = System.nanoTime();
        ChaosCluster.LeakCheck leaks;
        List<FencedResource.AcceptedWrite> accepted;
        try (History nemesisHistory = History.open(dir, Nemesis.PROCESS);
                ChaosCluster cluster = ChaosCluster.start(settings, dir)) {
            new Nemesis(cluster, settings, nemesisHistory).run();
            // A last quiet stretch, so the final fault's recovery is measured.
            ChaosCluster.sleepMillis(settings.lease().toMillis() + 1_000);
            leaks = cluster.stop();
            accepted = cluster.acceptedWrites();
        }
        writeAccepted(dir, accepted);
        Report report = Checker.check(History.readAll(dir), accepted, Checker.Settings.forLease(settings.lease()));
        Result result = new Result(settings, dir, report, leaks, Duration.ofNanos(System.nanoTime() - began));
        write(dir.resolve("report.txt"), result.describe());
        return result;
    }

    /** Checks a kept history again, for replaying a failure's analysis. */
    public static Report recheck(Path dir, Duration lease) {
        try {
            List<FencedResource.AcceptedWrite> accepted =
                    FencedResource.parseAccepted(Files.readAllLines(dir.resolve("accepted.txt")));
            return Checker.check(History.readAll(dir), accepted, Checker.Settings.forLease(lease));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeAccepted(Path dir, List<FencedResource.AcceptedWrite> accepted) {
        StringBuilder out = new StringBuilder();
        accepted.forEach(w -> out.append(w.toLine()).append('\n'));
        write(dir.resolve("accepted.txt"), out.toString());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
