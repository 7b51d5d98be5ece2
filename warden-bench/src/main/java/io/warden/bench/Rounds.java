package io.warden.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The parent's loop: for each scenario, each round, each library in that round's order, empty Redis
 * and reset its statistics, then measure in a fresh JVM and collect the figures. The parent measures
 * nothing itself.
 */
final class Rounds {
    /** Far above any run's length, so that only a hung child hits it. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

    private Rounds() {}

    /**
     * The libraries of {@code round} (from 1): the first round's order rotated left by {@code round -
     * 1}, so each library goes first in turn and no library always runs right after the same one.
     */
    static List<Library> order(List<Library> libraries, int round) {
        List<Library> order = new ArrayList<>(libraries.size());
        for (int i = 0; i < libraries.size(); i++) {
            order.add(libraries.get((i + round - 1) % libraries.size()));
        }
        return order;
    }

    /** Runs everything; returns one line per failed run (the other runs still happen). */
    static List<String> runAll(List<Scenario> scenarios, RedisAddress redis, Mode mode, Results results, Path dir)
            throws InterruptedException {
        List<String> failures = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            long t0 = System.nanoTime();
            Bench.log(scenario.id() + " " + scenario.title());
            for (int round = 1; round <= mode.rounds(); round++) {
                for (Library library : order(scenario.libraries(), round)) {
                    try {
                        redis.flushAndResetStats();
                        FreshJvm.run(scenario, library, round, mode, redis, dir, RUN_TIMEOUT)
                                .forEach(results::add);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        // Report what was measured, and the failure, rather than nothing.
                        Bench.log(scenario.id() + " " + library.label() + " round " + round + " failed: " + e);
                        failures.add(scenario.id() + " " + library.label() + " round " + round + ": "
                                + firstLine(e.getMessage()));
                    }
                }
            }
            Bench.log(scenario.id() + " took "
                    + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
        }
        return failures;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
