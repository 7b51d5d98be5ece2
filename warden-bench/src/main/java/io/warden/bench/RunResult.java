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

    /**
     * Reads back one line written by {@link #toJson()}: a flat object whose names and string values
     * hold no commas, quotes or braces (scenario ids, library ids and metric names never do).
     */
    static RunResult fromJson(String line) {
        String body = line.trim();
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : body.substring(1, body.length() - 1).split(",")) {
            int colon = field.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a result line: " + line);
            }
            fields.put(unquote(field.substring(0, colon)), unquote(field.substring(colon + 1)));
        }
        RunResult result = new RunResult(
                fields.remove("scenario"),
                Library.ofId(fields.remove("library")),
                Integer.parseInt(fields.remove("round")));
        fields.forEach(
                (metric, value) -> result.put(metric, value.equals("null") ? Double.NaN : Double.parseDouble(value)));
        return result;
    }

    private static String unquote(String text) {
        String t = text.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
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
