package io.warden.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The figures of one library in one round of one scenario. */
final class RunResult {
    private final String scenario;
    private final Library library;
    private final int round;
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    RunResult(String scenario, Library library, int round) {
        this.scenario = scenario;
        this.library = library;
        this.round = round;
    }

    RunResult put(String metric, double value) {
        metrics.put(metric, value);
        return this;
    }

    String scenario() {
        return scenario;
    }

    Library library() {
        return library;
    }

    int round() {
        return round;
    }

    Map<String, Double> metrics() {
        return metrics;
    }

    /** One JSON object on one line. */
    String toJson() {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"scenario\":\"")
                .append(scenario)
                .append("\",\"library\":\"")
                .append(library.id());
        json.append("\",\"round\":").append(round);
        metrics.forEach(
                (name, value) -> json.append(",\"").append(name).append("\":").append(jsonNumber(value)));
        return json.append('}').toString();
    }

    static String jsonNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.4g", value);
    }
}
