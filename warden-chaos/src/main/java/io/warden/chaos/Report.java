package io.warden.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the {@link Checker} found: violations (the run fails), notes (reported without failing, such
 * as what a restart without persistence lost), and figures per fault type.
 */
public final class Report {
    /** The row of events outside every fault window. */
    public static final String QUIET = "(no fault)";

    /** Invariant: two holdings (leases held or task bodies running) never overlap. */
    public static final String EXCLUSION = "two holders";
    /** Invariant: a callLocked/runLocked body never starts without a held lease. */
    public static final String GUARDED_TASK = "task ran without a held lease";
    /** Invariant: a release answered within the lease's validity is never reported as expired. */
    public static final String RELEASE = "release reported a held lease expired";
    /** Invariant: no write after the holder was told of a loss or saw isHeld() false. */
    public static final String WRITE_AFTER_LOSS = "write after loss";
    /** Invariant: the resource's accepted writes form a single-holder sequence. */
    public static final String FENCING = "fenced sequence";
    /** Invariant: each leader term's token is greater than every earlier term's (mode leader). */
    public static final String TERMS = "leader terms out of order";
    /** Invariant: recovery, acquire calls and stops within their bounds. */
    public static final String LIVENESS = "liveness";

    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> violationsByInvariant = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, Long> totals = new LinkedHashMap<>();

    /** Figures for one fault type. */
    public static final class Row {
        int faults;
        int hitHolder;
        long operations;
        long overlaps;
        long staleWritesRefused;
        long lossesReported;
        long worstRecoveryMillis = -1;

        public int faults() {
            return faults;
        }

        /** Faults aimed at a worker that was holding the lock when the fault began. */
        public int hitHolder() {
            return hitHolder;
        }

        public long operations() {
            return operations;
        }

        public long overlaps() {
            return overlaps;
        }

        public long staleWritesRefused() {
            return staleWritesRefused;
        }

        public long lossesReported() {
            return lossesReported;
        }

        /** Milliseconds from a heal to the next confirmed acquisition; -1 if not measured. */
        public long worstRecoveryMillis() {
            return worstRecoveryMillis;
        }
    }

    Report() {
        rows.put(QUIET, new Row());
    }

    /** A violation of {@code invariant} (one of the constants above), prefixed with it in brackets. */
    void violation(String invariant, String text) {
        violations.add("[" + invariant + "] " + text);
        violationsByInvariant.merge(invariant, 1, Integer::sum);
    }

    void note(String text) {
        notes.add(text);
    }

    Row row(String key) {
        return rows.computeIfAbsent(key, k -> new Row());
    }

    void total(String name, long value) {
        totals.put(name, value);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many violations each invariant had, in the order first seen. */
    public Map<String, Integer> violationsByInvariant() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(violationsByInvariant));
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Rows by fault type name, and {@link #QUIET}. */
    public Map<String, Row> rows() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /** Whole-run counts: operations, holdings, writes accepted, overlaps, … */
    public Map<String, Long> totals() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(totals));
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    /** A table per fault type, the totals, then notes and violations (the first 30 of each). */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "| %-28s | %6s | %10s | %10s | %8s | %12s | %6s | %14s |%n",
                "fault",
                "faults",
                "hit holder",
                "operations",
                "overlaps",
                "stale writes",
                "losses",
                "worst recovery"));
        out.append(
                "|------------------------------|--------|------------|------------|----------|--------------|--------|----------------|\n");
        rows.forEach((name, row) -> out.append(String.format(
                Locale.ROOT,
                "| %-28s | %6d | %10s | %10d | %8d | %12d | %6d | %14s |%n",
                name,
                row.faults,
                name.equals(QUIET) || name.contains("REDIS") ? "-" : Integer.toString(row.hitHolder),
                row.operations,
                row.overlaps,
                row.staleWritesRefused,
                row.lossesReported,
                row.worstRecoveryMillis < 0 ? "-" : row.worstRecoveryMillis + " ms")));
        out.append("totals: ").append(totals).append('\n');
        appendList(out, "notes", notes);
        if (!violations.isEmpty()) {
            out.append("VIOLATED INVARIANTS: ").append(violationsByInvariant).append('\n');
        }
        appendList(out, "VIOLATIONS", violations);
        return out.toString();
    }

    private static void appendList(StringBuilder out, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        out.append(title).append(" (").append(items.size()).append("):\n");
        items.stream().limit(30).forEach(item -> out.append("  - ").append(item).append('\n'));
    }
}
