package io.warden.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/** Just enough JSON for flat objects of strings and integers: the history's one-line records. */
final class Json {
    private Json() {}

    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The fields of {@code {"k":"text","n":12}}; numbers are returned as their text. */
    static Map<String, String> parseFlatObject(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int[] at = {skipSpace(line, 0)};
        expect(line, at, '{');
        while (true) {
            at[0] = skipSpace(line, at[0]);
            if (line.charAt(at[0]) == '}') {
                return fields;
            }
            String key = readString(line, at);
            at[0] = skipSpace(line, at[0]);
            expect(line, at, ':');
            at[0] = skipSpace(line, at[0]);
            String value = line.charAt(at[0]) == '"' ? readString(line, at) : readNumber(line, at);
            fields.put(key, value);
            at[0] = skipSpace(line, at[0]);
            if (line.charAt(at[0]) == ',') {
                at[0]++;
            }
        }
    }

    private static int skipSpace(String line, int at) {
        while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
            at++;
        }
        if (at >= line.length()) {
            throw new IllegalArgumentException("truncated JSON line: " + line);
        }
        return at;
    }

    private static void expect(String line, int[] at, char c) {
        if (line.charAt(at[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + at[0] + " in " + line);
        }
        at[0]++;
    }

    private static String readNumber(String line, int[] at) {
        int start = at[0];
        while (at[0] < line.length() && "-0123456789".indexOf(line.charAt(at[0])) >= 0) {
            at[0]++;
        }
        if (start == at[0]) {
            throw new IllegalArgumentException("expected a number at " + start + " in " + line);
        }
        return line.substring(start, at[0]);
    }

    private static String readString(String line, int[] at) {
        expect(line, at, '"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at[0] >= line.length()) {
                throw new IllegalArgumentException("unterminated string in " + line);
            }
            char c = line.charAt(at[0]++);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = line.charAt(at[0]++);
            switch (escaped) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(line.substring(at[0], at[0] + 4), 16));
                    at[0] += 4;
                }
                default -> out.append(escaped);
            }
        }
    }
}
