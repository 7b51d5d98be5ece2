package io.warden.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A child JVM of S4: opens one client, warms it up on a key of its own, prints {@code READY}, waits
 * for {@code GO <startNanos> <endNanos>} on stdin, contends on the shared lock until the end, writes
 * its holdings (one {@code owner requested acquired released} line each) to a file and prints {@code
 * DONE <holdings> <occupancyViolations> <lostUpdates>}.
 *
 * <p>Arguments: library id, Redis URI, lock name, threads, warm-up millis, output file, owner prefix.
 */
public final class ContenderMain {
    private ContenderMain() {}

    public static void main(String[] args) throws Exception {
        Library library = Library.ofId(args[0]);
        String uri = args[1];
        String lockName = args[2];
        int threads = Integer.parseInt(args[3]);
        Duration warmup = Duration.ofMillis(Long.parseLong(args[4]));
        Path out = Path.of(args[5]);
        String ownerPrefix = args[6];
        int status = 0;
        try (LockClient client = library.openLocks(uri, PairsScenario.LEASE)) {
            new Contender(client, lockName + ":warmup:" + ownerPrefix, "w")
                    .run(threads, System.nanoTime() + warmup.toNanos());
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String[] go = in.readLine().trim().split(" ");
            long start = Long.parseLong(go[1]);
            long end = Long.parseLong(go[2]);
            long wait = start - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            Contender contender = new Contender(client, lockName, ownerPrefix);
            List<Contention.Holding> holdings = contender.run(threads, end);
            try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
                for (Contention.Holding h : holdings) {
                    writer.println(h.owner() + " " + h.requested() + " " + h.acquired() + " " + h.released());
                }
            }
            System.out.println("DONE " + holdings.size() + " " + contender.occupancyViolations() + " "
                    + contender.lostUpdates(holdings.size()));
            System.out.flush();
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // Some clients leave non-daemon threads behind after close.
        System.exit(status);
    }
}
