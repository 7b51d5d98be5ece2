package io.warden.bench;

import java.util.Locale;
import java.util.Optional;

/**
 * The physical reference of each scenario: what redis-benchmark (scenario RB, same server, same run)
 * says one connection and sixteen connections can do, turned into a bound on the scenario's main
 * figure, so that a reader sees how close each library comes to the limit.
 */
final class Reference {
    private Reference() {}

    /**
     * @param metric the scenario's figure the bound applies to
     * @param limit the bound, per second
     * @param basis how the bound follows from redis-benchmark's rates
     */
    record Limit(String metric, double limit, String basis) {}

    static Optional<Limit> of(String scenario, Results results) {
        Optional<Double> single = rb(results, "evalsha_c1_rps");
        Optional<Double> sixteen = rb(results, "evalsha_c16_rps");
        if (single.isEmpty() || sixteen.isEmpty()) {
            return Optional.empty();
        }
        switch (scenario) {
            case "S1":
                return Optional.of(new Limit(
                        "pairs_per_s",
                        single.get() / 2,
                        "pairs/s ≤ half the single-connection rate: one thread, two sequential round trips per pair"));
            case "S2":
                return Optional.of(new Limit(
                        "pairs_per_s",
                        sixteen.get() / 2,
                        "pairs/s ≤ half the 16-connection rate: two requests per pair"));
            case "S3":
            case "S4":
                return Optional.of(new Limit(
                        "acq_per_s",
                        single.get() / 2,
                        "acquisitions/s ≤ half the single-connection rate: each hand-off is a release, then the "
                                + "next owner's acquire, in sequence"));
            case "S6":
                return Optional.of(new Limit(
                        "attempts_per_s",
                        sixteen.get(),
                        "attempts/s ≤ the 16-connection rate: every node's attempt is at least one request"));
            default:
                return Optional.empty();
        }
    }

    /** One markdown paragraph for below a scenario's table; empty when RB was not measured. */
    static String note(String scenario, Results results) {
        Optional<Double> single = rb(results, "evalsha_c1_rps");
        Optional<Double> p50 = rb(results, "evalsha_c1_p50_us");
        Optional<Double> sixteen = rb(results, "evalsha_c16_rps");
        if (single.isEmpty() || sixteen.isEmpty() || scenario.equals(RedisBenchmarkScenario.ID)) {
            return "";
        }
        StringBuilder md = new StringBuilder("Physical reference (redis-benchmark, same server, this run, medians): "
                + "one connection " + Stats.format(single.get()) + " EVALSHA/s (round trip p50 "
                + p50.map(Stats::format).orElse("n/a") + " µs), sixteen connections "
                + Stats.format(sixteen.get()) + " EVALSHA/s.");
        Optional<Limit> limit = of(scenario, results);
        if (limit.isPresent()) {
            Limit l = limit.get();
            md.append(" Limit: ")
                    .append(l.basis())
                    .append(" = ")
                    .append(Stats.format(l.limit()))
                    .append(". Median ")
                    .append(l.metric())
                    .append(" as a share of it:");
            for (Library library : results.libraries(scenario)) {
                Optional<Double> median = results.median(scenario, library, l.metric());
                median.ifPresent(m -> md.append(' ')
                        .append(library.label())
                        .append(String.format(Locale.ROOT, " %.0f%%;", 100 * m / l.limit())));
            }
            md.setLength(md.length() - 1);
            md.append('.');
        } else if (scenario.startsWith("S5")) {
            md.append(" Renewing every lease once per tick with one request each would take as many requests per"
                    + " second as there are leases; batching is what keeps a watchdog below that.");
        }
        return md.append("\n\n").toString();
    }

    private static Optional<Double> rb(Results results, String metric) {
        return results.median(RedisBenchmarkScenario.ID, Library.REDIS_BENCHMARK, metric);
    }
}
