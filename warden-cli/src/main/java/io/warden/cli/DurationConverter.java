package io.warden.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d},
 * fractions such as {@code 1.5s}, {@code 0} (zero), or ISO-8601 such as {@code PT30S}. Negative values
 * are refused; a bad value becomes a usage error naming the accepted forms.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    /** The longest duration accepted: longer ones are typos, and overflow the arithmetic downstream. */
    static final Duration LONGEST = Duration.ofDays(100L * 365);

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses {@code value}; throws picocli's conversion error (a usage error) if it is not a duration. */
    public static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher simple = SIMPLE.matcher(text);
        if (simple.matches()) {
            return simple(simple.group(1), simple.group(2), value);
        }
        if (text.startsWith("pt") || text.startsWith("p")) {
            try {
                Duration iso = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (iso.compareTo(LONGEST) > 0) {
                    throw tooLong(value);
                }
                if (!iso.isNegative()) {
                    return iso;
                }
            } catch (DateTimeParseException e) {
                // Reported below with the accepted forms.
            }
        }
        throw invalid(value);
    }

    private static Duration simple(String number, String unit, String original) {
        double amount = Double.parseDouble(number);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 86_400_000;
        };
        if (millis > LONGEST.toMillis()) {
            throw tooLong(original);
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    private static CommandLine.TypeConversionException tooLong(String value) {
        return new CommandLine.TypeConversionException("'" + value + "' is too long (over 100 years)");
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration: use 500ms, 30s, 5m, 1h, 2d or ISO-8601 such as PT30S");
    }
}
