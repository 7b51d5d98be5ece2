package io.warden.bench;

import io.warden.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmark scenarios against one redis-server started for the purpose and writes the report.
 *
 * <pre>
 * java -jar warden-bench/target/warden-bench.jar --mode smoke|full [--out DIR] [--only S1,S5]
 * java -jar warden-bench/target/warden-bench.jar --mode topologies [--quick] [--out DIR]
 * </pre>
 *
 * <p>{@code full} writes docs/benchmarks.md and docs/img/*.png of the repository it runs in; {@code
 * smoke} writes to warden-bench/target/bench-smoke/ and never touches docs/. {@code --out} overrides
 * the directory; {@code --only} runs some scenarios (a partial report then goes to target/ as well).
 * {@code topologies} compares Redis topologies instead (see {@link TopologyCosts}): it writes
 * docs/topology-costs.md, or with {@code --quick} warden-bench/target/bench-topologies/.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        String modeName = "smoke";
        Path out = null;
        Set<String> only = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> modeName = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--only" ->
                    only = Set.of(args[++i].toUpperCase(java.util.Locale.ROOT).split(","));
                case "--quick" -> quick = true;
                default -> usage();
            }
        }
        if (modeName.equals(TopologyCosts.MODE)) {
            if (only != null) {
                usage();
            }
            int status = 1;
            try {
                status = TopologyCosts.run(repositoryRoot(), quick, out);
            } catch (Exception | AssertionError e) {
                e.printStackTrace();
            }
            System.exit(status);
        }
        if (quick) {
            usage();
        }
        Mode mode = Mode.of(modeName);
        Path root = repositoryRoot();
        boolean publish = mode.isFull() && only == null && out == null;
        Path targetDir = root.resolve("warden-bench/target/bench-" + mode.name());
        Path reportFile =
                publish ? root.resolve("docs/benchmarks.md") : (out != null ? out : targetDir).resolve("benchmarks.md");
        Path imageDir =
                publish ? root.resolve("docs/img") : reportFile.getParent().resolve("img");
        List<Scenario> scenarios = new ArrayList<>(Scenarios.all());
        if (only != null) {
            Set<String> wanted = only;
            List<String> unknown = wanted.stream()
                    .filter(id -> scenarios.stream()
                            .noneMatch(s -> Scenarios.key(s.id()).equals(id)))
                    .toList();
            if (!unknown.isEmpty()) {
                System.err.println("unknown scenario(s) " + unknown);
                usage();
            }
            scenarios.removeIf(s -> !wanted.contains(Scenarios.key(s.id())));
        }
        long started = System.nanoTime();
        Results results = new Results(targetDir.resolve("results.jsonl"));
        int status = 0;
        try (RedisServer server = RedisServer.start()) {
            RedisAddress redis = new RedisAddress(server.host(), server.port());
            MachineInfo machine = MachineInfo.describe(server);
            Bench.log("mode " + mode.name() + ", " + mode.rounds() + " round(s), each run in a fresh JVM; redis "
                    + server.version() + " at " + server.uri() + "; load " + machine.loadAtStart());
            List<String> failures = Rounds.runAll(scenarios, redis, mode, results, targetDir.resolve("runs"));
            if (!failures.isEmpty()) {
                status = 1;
            }
            List<String> charts = Charts.write(results, imageDir);
            String relativeImages = reportFile.toAbsolutePath().getParent().relativize(imageDir.toAbsolutePath()) + "/";
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Report.write(reportFile, relativeImages, mode, machine, scenarios, results, charts, took, failures);
            for (Targets.Target t : Targets.evaluate(results)) {
                System.out.println("{\"target\":\"" + t.scenario() + " "
                        + t.goal().replace("\"", "'")
                        + "\",\"measured\":\"" + t.measured().replace("\"", "'") + "\",\"result\":\"" + t.verdict()
                        + "\"}");
            }
            Bench.log("report: " + reportFile + " (" + took.toSeconds() + " s)");
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // Peer clients can leave non-daemon threads behind.
        System.exit(status);
    }

    private static void usage() {
        System.err.println("usage: warden-bench --mode smoke|full [--out DIR] [--only S1,S2,...]\n"
                + "       warden-bench --mode topologies [--quick] [--out DIR]");
        System.exit(2);
    }

    /** The directory holding warden-bench/, searched upwards from the working directory. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("warden-bench"))) {
                return dir;
            }
            if (dir.getFileName() != null
                    && dir.getFileName().toString().equals("warden-bench")
                    && Files.exists(dir.resolve("pom.xml"))) {
                return dir.getParent();
            }
        }
        return Path.of("").toAbsolutePath();
    }
}
