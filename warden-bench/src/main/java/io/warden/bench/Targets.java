package io.warden.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The targets, judged on figures measured in the same run: ratios of medians over rounds, and
 * for safety and fairness checks the worst round.
 */
final class Targets {
    private Targets() {}

    enum Status {
        PASS,
        MISS,
        NOT_MEASURED
    }

    record Target(String scenario, String goal, String measured, Status status) {}

    static List<Target> evaluate(Results results) {
        List<Target> targets = new ArrayList<>();
        Library w = Library.WARDEN;
        Library r = Library.REDISSON;
        Library n = Library.NAIVE;
        targets.add(atLeast(results, "S1", "pairs_per_s", w, r, 2.0, "pairs/s ≥ 2× Redisson"));
        targets.add(atLeast(results, "S1", "pairs_per_s", w, n, 0.85, "pairs/s ≥ 0.85× naive"));
        targets.add(exactly(results, "S1", "client_cmds_per_pair", 2.0, "exactly 2 round trips per pair"));
        targets.add(atLeast(results, "S2", "pairs_per_s", w, r, 3.0, "pairs/s ≥ 3× Redisson"));
        targets.add(atLeast(results, "S2", "pairs_per_s", w, n, 0.8, "pairs/s ≥ 0.8× naive"));
        for (String s : List.of("S3", "S4")) {
            targets.add(atLeast(results, s, "acq_per_s", w, r, 2.0, "acquisitions/s ≥ 2× Redisson"));
            targets.add(atMost(results, s, "handoff_p50_us", w, r, 0.5, "hand-off p50 ≤ 0.5× Redisson's"));
            targets.add(fairness(results, s));
            targets.add(exclusion(results, s));
        }
        targets.add(atMost(results, "S5", "client_cpu_ms_per_s", w, r, 0.5, "client CPU ≤ 0.5× Redisson's"));
        targets.add(atMost(results, "S5", "heap_bytes_per_lease", w, r, 0.5, "heap per lease ≤ 0.5× Redisson's"));
        targets.add(scaling(results));
        targets.add(zero(results, "S5", List.of("keys_missing", "leases_lost"), "every key survived"));
        targets.add(atLeast(results, "S6", "runs_per_s", w, Library.SHEDLOCK, 1.0, "runs/s ≥ ShedLock's"));
        targets.add(zero(results, "S6", List.of("duplicate_runs", "missed_firings"), "exactly once held"));
        return targets;
    }

    private static Target atLeast(
            Results results, String scenario, String metric, Library a, Library b, double min, String goal) {
        return ratio(results, scenario, metric, a, b, goal, min, true);
    }

    private static Target atMost(
            Results results, String scenario, String metric, Library a, Library b, double max, String goal) {
        return ratio(results, scenario, metric, a, b, goal, max, false);
    }

    private static Target ratio(
            Results results,
            String scenario,
            String metric,
            Library a,
            Library b,
            String goal,
            double bound,
            boolean lowerBound) {
        Optional<Double> x = results.median(scenario, a, metric);
        Optional<Double> y = results.median(scenario, b, metric);
        if (x.isEmpty() || y.isEmpty() || y.get() == 0) {
            return new Target(scenario, goal, "not measured", Status.NOT_MEASURED);
        }
        double ratio = x.get() / y.get();
        boolean pass = lowerBound ? ratio >= bound : ratio <= bound;
        String measured = String.format(
                java.util.Locale.ROOT,
                "%.2f× (%s %s / %s %s %s)",
                ratio,
                a.label(),
                Stats.format(x.get()),
                b.label(),
                Stats.format(y.get()),
                metric);
        return new Target(scenario, goal, measured, pass ? Status.PASS : Status.MISS);
    }

    private static Target exactly(Results results, String scenario, String metric, double expected, String goal) {
        Optional<Double> x = results.median(scenario, Library.WARDEN, metric);
        if (x.isEmpty()) {
            return new Target(scenario, goal, "not measured", Status.NOT_MEASURED);
        }
        boolean pass = Math.abs(x.get() - expected) < 0.01;
        return new Target(
                scenario, goal, Stats.format(x.get()) + " client commands per pair", pass ? Status.PASS : Status.MISS);
    }

    /** No thread below 80% of the mean share, in the worst round. */
    private static Target fairness(Results results, String scenario) {
        String goal = "fair hand-off: no thread under 80% of the mean share (worst round)";
        Optional<Double> min = results.min(scenario, Library.WARDEN, "min_share");
        if (min.isEmpty()) {
            return new Target(scenario, goal, "not measured", Status.NOT_MEASURED);
        }
        String measured = "least active thread at " + Math.round(min.get() * 100) + "% of the mean";
        return new Target(scenario, goal, measured, min.get() >= 0.8 ? Status.PASS : Status.MISS);
    }

    private static Target exclusion(Results results, String scenario) {
        return zero(
                results,
                scenario,
                List.of("overlaps", "occupancy_violations", "lost_updates"),
                "mutual exclusion held (no overlapping holdings)");
    }

    private static Target zero(Results results, String scenario, List<String> metrics, String goal) {
        StringBuilder measured = new StringBuilder();
        boolean pass = true;
        for (String metric : metrics) {
            Optional<Double> worst = results.max(scenario, Library.WARDEN, metric);
            if (worst.isEmpty()) {
                continue;
            }
            pass &= worst.get() == 0;
            measured.append(measured.length() == 0 ? "" : ", ")
                    .append(metric)
                    .append(' ')
                    .append(Stats.format(worst.get()));
        }
        if (measured.length() == 0) {
            return new Target(scenario, goal, "not measured", Status.NOT_MEASURED);
        }
        return new Target(scenario, goal, measured + " (worst round)", pass ? Status.PASS : Status.MISS);
    }

    /** Renewal round trips per tick must not grow with the lease count: S5 against S5s (10× fewer). */
    private static Target scaling(Results results) {
        String goal = "renewal round trips per tick independent of lease count (10× leases: ≤ 1.5×)";
        Optional<Double> many = results.median("S5", Library.WARDEN, "round_trips_per_tick");
        Optional<Double> few = results.median("S5s", Library.WARDEN, "round_trips_per_tick");
        if (many.isEmpty() || few.isEmpty() || few.get() == 0) {
            return new Target("S5", goal, "not measured", Status.NOT_MEASURED);
        }
        double ratio = many.get() / few.get();
        String measured = String.format(
                java.util.Locale.ROOT,
                "%.2f× (%s round trips/tick with 10× the leases vs %s)",
                ratio,
                Stats.format(many.get()),
                Stats.format(few.get()));
        Optional<Double> redissonMany = results.median("S5", Library.REDISSON, "renewal_requests_per_tick");
        Optional<Double> redissonFew = results.median("S5s", Library.REDISSON, "renewal_requests_per_tick");
        if (redissonMany.isPresent() && redissonFew.isPresent()) {
            measured += "; Redisson renewal requests/tick " + Stats.format(redissonMany.get()) + " vs "
                    + Stats.format(redissonFew.get());
        }
        return new Target("S5", goal, measured, ratio <= 1.5 ? Status.PASS : Status.MISS);
    }
}
