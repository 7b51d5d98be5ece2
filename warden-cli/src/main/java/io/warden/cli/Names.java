package io.warden.cli;

/**
 * Lock names as text output shows them: one line each, whatever they hold. A control character would
 * break a table row or fake a line of output, so each is written as an escape ({@code \n}, {@code \t},
 * {@code \x1b}), and a backslash as {@code \\} so that the escapes stay unambiguous. JSON output escapes
 * by its own rules.
 */
final class Names {
    private Names() {}

    static String shown(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        out.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
