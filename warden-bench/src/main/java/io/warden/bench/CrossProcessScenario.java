package io.warden.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * S4: four child JVMs (two in smoke mode) with two threads each take one lock in turn. Mutual exclusion is checked on the
 * holdings of all processes merged on the shared monotonic clock. S4F is the same run with fair locks: Warden's
 * {@code fairLock} against Warden's plain lock and Redisson's {@code RFairLock}.
 */
final class CrossProcessScenario implements Scenario {
    static final int THREADS_PER_PROCESS = 2;
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true");

    private final String id;
    private final String title;
    private final List<Library> libraries;

    private CrossProcessScenario(String id, String title, List<Library> libraries) {
        this.id = id;
        this.title = title;
        this.libraries = libraries;
    }

    static CrossProcessScenario plain() {
        return new CrossProcessScenario(
                "S4",
                "contention across processes: 4 JVMs x 2 threads on one key",
                List.of(Library.WARDEN, Library.REDISSON, Library.NAIVE));
    }

    static CrossProcessScenario fair() {
        return new CrossProcessScenario(
                "S4F",
                "fair locks across processes: 4 JVMs x 2 threads on one key, served in arrival order",
                List.of(Library.WARDEN_FAIR, Library.WARDEN, Library.REDISSON_FAIR));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public List<Library> libraries() {
        return libraries;
    }

    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws Exception {
        return List.of(runOnce(bench, library, round));
    }

    private RunResult runOnce(Bench bench, Library library, int round) throws Exception {
        bench.reset();
        Path dir = Files.createTempDirectory("warden-bench-s4-");
        List<Child> children = new ArrayList<>();
        try {
            for (int p = 0; p < bench.mode().processes(); p++) {
                children.add(Child.start(library, bench, dir, p, id));
            }
            for (Child child : children) {
                child.await("READY", 120);
            }
            long start = System.nanoTime() + 200_000_000L;
            long end = start + bench.mode().measure().toNanos();
            for (Child child : children) {
                child.send("GO " + start + " " + end);
            }
            long violations = 0;
            long lostUpdates = 0;
            for (Child child : children) {
                String[] done = child.await("DONE", bench.mode().measure().toSeconds() + 120)
                        .split(" ");
                violations += Long.parseLong(done[2]);
                lostUpdates += Long.parseLong(done[3]);
                if (!child.process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(id + " child " + child.index + " did not exit");
                }
            }
            List<Contention.Holding> holdings = new ArrayList<>();
            List<String> owners = new ArrayList<>();
            for (Child child : children) {
                holdings.addAll(child.holdings());
                for (int t = 0; t < THREADS_PER_PROCESS; t++) {
                    owners.add(child.ownerPrefix() + t);
                }
            }
            double seconds = bench.mode().measure().toNanos() / 1e9;
            Contention.Figures figures = Contention.analyse(Contender.startedBefore(holdings, end), owners, seconds);
            return ContentionScenario.put(new RunResult(id(), library, round), figures)
                    .put("occupancy_violations", violations)
                    .put("lost_updates", lostUpdates);
        } finally {
            children.forEach(Child::kill);
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** One child JVM running {@link ContenderMain}. */
    private static final class Child {
        private final int index;
        private final Process process;
        private final Path holdingsFile;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Child(int index, Process process, Path holdingsFile) {
            this.index = index;
            this.process = process;
            this.holdingsFile = holdingsFile;
            Thread reader = new Thread(this::readLines, "s4-child-" + index);
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Library library, Bench bench, Path dir, int index, String scenario) throws IOException {
            Path holdings = dir.resolve("holdings-" + index + ".txt");
            List<String> command = new ArrayList<>();
            command.add(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.add(ContenderMain.class.getName());
            command.addAll(List.of(
                    library.id(),
                    bench.uri(),
                    scenario + ":hot",
                    Integer.toString(THREADS_PER_PROCESS),
                    Long.toString(bench.mode().childWarmup().toMillis()),
                    holdings.toString(),
                    "p" + index + "t"));
            ProcessBuilder builder = new ProcessBuilder(command);
            // Through the environment rather than -cp, as the test kit does: no command-line limit.
            builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("JDK_JAVA_OPTIONS");
            builder.redirectError(dir.resolve("stderr-" + index + ".txt").toFile());
            Process process = builder.start();
            return new Child(index, process, holdings);
        }

        String ownerPrefix() {
            return "p" + index + "t";
        }

        void send(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String await(String prefix, long timeoutSeconds) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() - deadline < 0) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            Path stderr = holdingsFile.resolveSibling("stderr-" + index + ".txt");
            String tail = Files.exists(stderr) ? Files.readString(stderr) : "";
            throw new IllegalStateException("S4 child " + index + " printed no " + prefix + " line\n"
                    + tail.substring(Math.max(0, tail.length() - 3000)));
        }

        List<Contention.Holding> holdings() throws IOException {
            List<Contention.Holding> holdings = new ArrayList<>();
            for (String line : Files.readAllLines(holdingsFile, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                holdings.add(
                        new Contention.Holding(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
            return holdings;
        }

        void kill() {
            process.destroyForcibly();
        }

        private void readLines() {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child exited or was killed: await() reports what is missing
            }
        }
    }
}
