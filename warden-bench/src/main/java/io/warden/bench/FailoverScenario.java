package io.warden.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * S7: leader fail-over. Three candidate JVMs ({@link LeaderCandidateMain}) campaign for one election;
 * the leader is SIGKILLed (no release, no goodbye: the honest way for a leader to die, which a closed
 * connection inside one JVM would not be, since its watchdog and timers would live on), a replacement
 * candidate is started and waited for, and the next leader's election time is read from its output on
 * the shared monotonic clock. Each kill comes a random time (up to one lease) after the election, so
 * that it falls anywhere in the renewal cycle. Warden's {@code LeaderElection} is compared with the
 * naive loop ({@code SET NX PX}, extend by {@code GET} + {@code PEXPIRE}, every {@link #POLL}), both
 * with the same lease.
 *
 * <p>Figures per run: the fail-over time (kill to the next {@code onElected}/{@code SET} success),
 * p50 and p99 (with 15 fail-overs per run the p99 is the worst); the TTL the dead
 * leader's key still had at the kill (its server-side expiry is the earliest a successor can be
 * elected); and the time from that expiry to the successor's election, which is what the waiting
 * mechanism itself costs.
 */
final class FailoverScenario implements Scenario {
    static final Duration LEASE = Duration.ofSeconds(1);
    /** The naive loop's period: a tenth of the lease. */
    static final Duration POLL = Duration.ofMillis(100);

    private static final String ELECTION = "S7:leader";
    private static final int CANDIDATES = 3;
    private static final List<Library> LIBRARIES = List.of(Library.WARDEN, Library.NAIVE);
    private static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-Djava.awt.headless=true");

    @Override
    public String id() {
        return "S7";
    }

    @Override
    public String title() {
        return "leader fail-over: SIGKILL the leader of 3 candidate JVMs, time to the next election (lease 1 s)";
    }

    @Override
    public List<Library> libraries() {
        return LIBRARIES;
    }

    /**
     * Fail-overs per run: 15 in full mode (each costs a JVM start, a few seconds on a loaded 2-core
     * machine), one to prove the harness in smoke mode.
     */
    static int failovers(Mode mode) {
        return mode.isFull() ? 15 : 1;
    }

    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws Exception {
        bench.reset();
        Path dir = Files.createTempDirectory("warden-bench-s7-");
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        List<Candidate> candidates = new ArrayList<>();
        // Warden's documented key layout (default prefix); the naive loop uses the name itself.
        String key = library == Library.WARDEN ? "warden:{" + ELECTION + "}" : ELECTION;
        Random random = new Random(round * 7919L + library.ordinal());
        int n = failovers(bench.mode());
        double[] failover = new double[n];
        double[] ttlLeft = new double[n];
        double[] afterExpiry = new double[n];
        long unforced = 0;
        try {
            for (int i = 0; i < CANDIDATES; i++) {
                candidates.add(Candidate.start(library, bench, dir, candidates.size(), lines));
            }
            for (Candidate c : candidates) {
                c.awaitReady();
            }
            Candidate leader = awaitElected(lines, null, 0, Duration.ofSeconds(30)).candidate;
            for (int i = 0; i < n; i++) {
                Thread.sleep(random.nextInt((int) LEASE.toMillis()));
                // A leader stalled past its lease on this loaded machine can lose its term without
                // being killed: the latest election names the leader, and the changes are counted.
                for (Line stale = lines.poll(); stale != null; stale = lines.poll()) {
                    if (stale.text.startsWith("ELECTED ") && stale.candidate != leader) {
                        leader = stale.candidate;
                        unforced++;
                    }
                }
                long pttl = ((Number) bench.redis().command("PTTL", key)).longValue();
                long killedAt = System.nanoTime();
                leader.kill();
                Line next = awaitElected(lines, leader, killedAt, LEASE.plusSeconds(20));
                failover[i] = (next.at - killedAt) / 1e6;
                ttlLeft[i] = pttl;
                afterExpiry[i] = failover[i] - pttl;
                candidates.remove(leader);
                leader = next.candidate;
                if (i == n - 1) {
                    break; // no further kill: no replacement needed
                }
                Candidate replacement = Candidate.start(library, bench, dir, candidates.size() + i + 1, lines);
                candidates.add(replacement);
                replacement.awaitReady();
            }
        } finally {
            candidates.forEach(Candidate::kill);
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
        Bench.log("S7 " + library.label() + " round " + round + " fail-overs ms: " + Arrays.toString(round1(failover)));
        return List.of(new RunResult(id(), library, round)
                .put("failovers", n)
                .put("unforced_changes", unforced)
                .put("failover_p50_ms", percentile(failover, 50))
                .put("failover_p99_ms", percentile(failover, 99))
                .put("ttl_left_at_kill_p50_ms", percentile(ttlLeft, 50))
                .put("after_expiry_p50_ms", percentile(afterExpiry, 50))
                .put("after_expiry_p99_ms", percentile(afterExpiry, 99))
                .put("failover_p50_per_lease", percentile(failover, 50) / LEASE.toMillis()));
    }

    private static double[] round1(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The next ELECTED line from a candidate other than {@code not}, printed after {@code after}. */
    private static Line awaitElected(BlockingQueue<Line> lines, Candidate not, long after, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Line line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null && line.text.startsWith("ELECTED ") && line.candidate != not) {
                long at = Long.parseLong(line.text.split(" ")[1]);
                if (after == 0 || at - after > 0) {
                    return new Line(line.candidate, line.text, at);
                }
            }
        }
        throw new IllegalStateException("S7: no leader elected within " + timeout);
    }

    private record Line(Candidate candidate, String text, long at) {}

    /** One candidate JVM. */
    private static final class Candidate {
        private final int index;
        private final Process process;
        private final Path stderr;
        private final BlockingQueue<String> ready = new LinkedBlockingQueue<>();

        private Candidate(int index, Process process, Path stderr, BlockingQueue<Line> lines) {
            this.index = index;
            this.process = process;
            this.stderr = stderr;
            Thread reader = new Thread(() -> read(lines), "s7-candidate-" + index);
            reader.setDaemon(true);
            reader.start();
        }

        static Candidate start(Library library, Bench bench, Path dir, int index, BlockingQueue<Line> lines)
                throws IOException {
            List<String> command = new ArrayList<>();
            command.add(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.add(LeaderCandidateMain.class.getName());
            command.addAll(List.of(
                    library.id(),
                    bench.uri(),
                    ELECTION,
                    Long.toString(LEASE.toMillis()),
                    Long.toString(POLL.toMillis())));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().remove("JDK_JAVA_OPTIONS");
            Path stderr = dir.resolve("stderr-" + index + ".txt");
            builder.redirectError(stderr.toFile());
            return new Candidate(index, builder.start(), stderr, lines);
        }

        void awaitReady() throws InterruptedException, IOException {
            if (ready.poll(120, TimeUnit.SECONDS) == null) {
                String tail = Files.exists(stderr) ? Files.readString(stderr) : "";
                throw new IllegalStateException("S7 candidate " + index + " never campaigned\n"
                        + tail.substring(Math.max(0, tail.length() - 3000)));
            }
        }

        /** SIGKILL, and wait until the process is gone. */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void read(BlockingQueue<Line> lines) {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals("READY")) {
                        ready.add(line);
                    } else {
                        lines.add(new Line(this, line, 0));
                    }
                }
            } catch (IOException e) {
                // killed: the scenario waits for the next leader instead
            }
        }
    }
}
