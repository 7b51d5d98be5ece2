package io.warden.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The targets, judged on figures measured in the same run. A ratio is computed per round (both
 * libraries measured in that round, each in its own fresh JVM) and judged on the median of those
 * per-round ratios; when the per-round ratios lie on both sides of the line the verdict says so.
 * Safety and fairness checks are judged on the worst round.
 */
final class Targets {
    private Targets() {}

    enum Status {
        PASS,
        MISS,
        NOT_MEASURED
    }

    /**
     * @param straddles the per-round ratios lie on both sides of the bound: the verdict rests on the
     *     median alone
     */
    record Target(String scenario, String goal, String measured, Status status, boolean straddles) {
        Target(String scenario, String goal, String measured, Status status) {
            this(scenario, goal, measured, status, false);
        }

        /** {@code PASS}, {@code MISS}, either with {@code (spread straddles)}, or {@code n/a}. */
        String verdict() {
            if (status == Status.NOT_MEASURED) {
                return "n/a";
            }
            return status + (straddles ? " (spread straddles)" : "");
        }
    }

    static List<Target> evaluate(Results results) {
        List<Target> targets = new ArrayList<>();
        Library w = Library.WARDEN;
        Library r = Library.REDISSON;
        Library n = Library.NAIVE;
        // S1 is bounded by two round trips for every correct lock: held against the naive lock, not Redisson.
        targets.add(atLeast(results, "S1", "pairs_per_s", w, n, 0.95, "pairs/s ≥ 0.95× naive"));
        targets.add(exactly(results, "S1", "client_cmds_per_pair", 2.0, "exactly 2 round trips per pair"));
        targets.add(atLeast(results, "S2", "pairs_per_s", w, r, 3.0, "pairs/s ≥ 3× Redisson"));
        targets.add(atLeast(results, "S2", "pairs_per_s", w, n, 0.9, "pairs/s ≥ 0.9× naive"));
        for (String s : List.of("S3", "S4")) {
            double acquisitions = s.equals("S3") ? 1.5 : 2.0;
            targets.add(atLeast(
                    results,
                    s,
                    "acq_per_s",
                    w,
                    r,
                    acquisitions,
                    "acquisitions/s ≥ " + Stats.format(acquisitions) + "× Redisson"));
            targets.add(atMost(results, s, "handoff_p50_us", w, r, 0.5, "hand-off p50 ≤ 0.5× Redisson's"));
            targets.add(fairness(results, s));
            targets.add(exclusion(results, s));
        }
        targets.add(atMost(
                results, "S5", "client_cpu_no_jit_ms_per_s", w, r, 0.5, "client CPU ≤ 0.5× Redisson's (JIT excluded)"));
        targets.add(
                atMost(results, "S5", "client_cpu_ms_per_s", w, r, 0.5, "client CPU ≤ 0.5× Redisson's (whole JVM)"));
        targets.add(atMost(results, "S5", "heap_bytes_per_lease", w, r, 0.5, "heap per lease ≤ 0.5× Redisson's"));
        targets.add(scaling(results));
        targets.add(zero(results, "S5", List.of("keys_missing", "leases_lost"), "every key survived"));
        targets.add(atLeast(results, "S6", "runs_per_s", w, Library.SHEDLOCK, 1.0, "runs/s ≥ ShedLock's"));
        targets.add(zero(results, "S6", List.of("duplicate_runs", "missed_firings"), "exactly once held"));
        // S8 and S9 publish measured figures only; their one target each is safety.
        targets.add(zero(
                results,
                "S8",
                List.of("occupancy_violations", "holders_over_limit"),
                "never more than " + SemaphoreScenario.PERMITS + " permits held at once"));
        targets.add(zero(
                results,
                "S9",
                List.of("exclusion_violations", "writes_over_reads", "writes_over_writes"),
                "no reader beside a writer, no two writers"));
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
        Optional<Stats.Summary> ratios =
                perRound(results.byRound(scenario, a, metric), results.byRound(scenario, b, metric));
        if (ratios.isEmpty()) {
            return new Target(scenario, goal, "not measured", Status.NOT_MEASURED);
        }
        String measured = describe(ratios.get())
                + String.format(
                        java.util.Locale.ROOT,
                        "; medians %s %s / %s %s %s",
                        a.label(),
                        Stats.format(results.median(scenario, a, metric).orElse(Double.NaN)),
                        b.label(),
                        Stats.format(results.median(scenario, b, metric).orElse(Double.NaN)),
                        metric);
        return judge(scenario, goal, measured, ratios.get(), bound, lowerBound);
    }

    /** The ratio x/y of every round measured for both, summarised; empty if there is none. */
    static Optional<Stats.Summary> perRound(Map<Integer, Double> x, Map<Integer, Double> y) {
        List<Double> ratios = new ArrayList<>();
        x.forEach((round, value) -> {
            Double other = y.get(round);
            if (other != null && other != 0) {
                ratios.add(value / other);
            }
        });
        return ratios.isEmpty() ? Optional.empty() : Optional.of(Stats.summarize(ratios));
    }

    /** Judged on the median ratio; the spread straddles the bound when rounds fell on both sides. */
    static Target judge(
            String scenario, String goal, String measured, Stats.Summary ratios, double bound, boolean lowerBound) {
        boolean pass = lowerBound ? ratios.median() >= bound : ratios.median() <= bound;
        boolean straddles = ratios.min() < bound && ratios.max() > bound;
        return new Target(scenario, goal, measured, pass ? Status.PASS : Status.MISS, straddles);
    }

    /** {@code 1.23× (per round 1.10–1.40×, 5 rounds)}. */
    static String describe(Stats.Summary ratios) {
        return String.format(
                java.util.Locale.ROOT,
                "%.2f× (per round %.2f–%.2f×, %d round%s)",
                ratios.median(),
                ratios.min(),
                ratios.max(),
                ratios.rounds(),
                ratios.rounds() == 1 ? "" : "s");
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
        Optional<Stats.Summary> ratios = perRound(
                results.byRound("S5", Library.WARDEN, "round_trips_per_tick"),
                results.byRound("S5s", Library.WARDEN, "round_trips_per_tick"));
        if (ratios.isEmpty()) {
            return new Target("S5", goal, "not measured", Status.NOT_MEASURED);
        }
        String measured = describe(ratios.get()) + "; medians "
                + Stats.format(results.median("S5", Library.WARDEN, "round_trips_per_tick")
                        .orElseThrow())
                + " round trips/tick with 10× the leases vs "
                + Stats.format(results.median("S5s", Library.WARDEN, "round_trips_per_tick")
                        .orElseThrow());
        Optional<Double> redissonMany = results.median("S5", Library.REDISSON, "renewal_requests_per_tick");
        Optional<Double> redissonFew = results.median("S5s", Library.REDISSON, "renewal_requests_per_tick");
        if (redissonMany.isPresent() && redissonFew.isPresent()) {
            measured += "; Redisson renewal requests/tick " + Stats.format(redissonMany.get()) + " vs "
                    + Stats.format(redissonFew.get());
        }
        return judge("S5", goal, measured, ratios.get(), 1.5, false);
    }
}
