package io.warden.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The run's size and seed from system properties: {@code chaos.duration} ({@code ci}, or a soak length
 * such as {@code 10m}, {@code 90s}), {@code chaos.seed}, {@code chaos.faults} (a comma-separated
 * selection of {@link Fault} names to run exactly those), and {@code chaos.dir} for the histories.
 */
final class ChaosSettings {
    static final long SEED = Long.getLong("chaos.seed", 20260611L);
    static final Duration LEASE = Duration.ofSeconds(1);
    static final int WORKERS = 3;
    static final int THREADS = 2;

    private ChaosSettings() {}

    /** The faults named by {@code chaos.faults}, or null when it is unset or blank (every fault). */
    static Set<Fault> selectedFaults() {
        String value = System.getProperty("chaos.faults", "").trim();
        if (value.isEmpty()) {
            return null;
        }
        Set<Fault> faults = EnumSet.noneOf(Fault.class);
        for (String name : value.split("[,\\s]+")) {
            if (!name.isEmpty()) {
                faults.add(Fault.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return faults;
    }

    /** Null for the CI-sized run, else the soak's total length. */
    static Duration soakDuration() {
        String value = System.getProperty("chaos.duration", "ci").trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty() || value.equals("ci")) {
            return null;
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("chaos.duration must look like 90s, 10m or 1h: " + value);
        };
    }

    /** A soak gives this share of its length to one phase; the CI run uses {@code ciDuration}. */
    static Duration phaseDuration(Duration ciDuration, double soakShare) {
        Duration soak = soakDuration();
        return soak == null ? ciDuration : Duration.ofMillis((long) (soak.toMillis() * soakShare));
    }

    /**
     * Null for the CI-sized leader-election run, else its length from {@code chaos.leader.duration}
     * (same form as {@code chaos.duration}).
     */
    static Duration leaderSoakDuration() {
        String value = System.getProperty("chaos.leader.duration", "ci").trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty() || value.equals("ci")) {
            return null;
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default ->
                throw new IllegalArgumentException("chaos.leader.duration must look like 90s, 10m or 1h: " + value);
        };
    }

    static Path runDir(String phase) {
        Path base = Path.of(System.getProperty("chaos.dir", "target/chaos"));
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return base.resolve(phase + "-seed" + SEED + "-" + stamp);
    }
}
