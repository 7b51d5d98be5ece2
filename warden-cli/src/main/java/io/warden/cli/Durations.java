package io.warden.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Durations for people: {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h10m}. */
final class Durations {
    /** An ISO-8601 duration as {@link Duration#toString()} writes it: PT2S, PT0.00201S, PT1H30M. */
    private static final Pattern ISO = Pattern.compile("\\bPT(?=\\d)(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?\\b");

    private Durations() {}

    /** {@code text} with every ISO-8601 duration in it ({@code PT0.00201S}) written as {@link #brief}. */
    static String humanize(String text) {
        return ISO.matcher(text).replaceAll(match -> brief(Duration.parse(match.group())));
    }

    static String brief(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0 && !duration.isZero()) {
            return String.format(Locale.ROOT, "%.3fms", duration.toNanos() / 1e6)
                    .replaceAll("0+ms$", "ms");
        }
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3_600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3_600, seconds % 3_600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3_600);
    }
}
