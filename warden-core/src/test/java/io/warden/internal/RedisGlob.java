package io.warden.internal;

/** Redis's glob-style matching (stringmatchlen): {@code * ? [abc] [^a] [a-z]} and {@code \} escapes. */
final class RedisGlob {
    private RedisGlob() {}

    static boolean matches(String pattern, String text) {
        return matches(pattern, 0, text, 0);
    }

    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
                        pi++;
                    }
                    for (int from = si; from <= s.length(); from++) {
                        if (matches(p, pi + 1, s, from)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    int end = pi + 1;
                    boolean not = end < p.length() && p.charAt(end) == '^';
                    if (not) {
                        end++;
                    }
                    boolean hit = false;
                    while (end < p.length() && p.charAt(end) != ']') {
                        char lo = p.charAt(end);
                        if (lo == '\\' && end + 1 < p.length()) {
                            lo = p.charAt(++end);
                            hit |= lo == s.charAt(si);
                        } else if (end + 2 < p.length() && p.charAt(end + 1) == '-' && p.charAt(end + 2) != ']') {
                            char hi = p.charAt(end + 2);
                            char a = (char) Math.min(lo, hi);
                            char b = (char) Math.max(lo, hi);
                            hit |= s.charAt(si) >= a && s.charAt(si) <= b;
                            end += 2;
                        } else {
                            hit |= lo == s.charAt(si);
                        }
                        end++;
                    }
                    if (hit == not) {
                        return false;
                    }
                    pi = Math.min(end, p.length() - 1);
                    si++;
                }
                default -> {
                    if (c == '\\' && pi + 1 < p.length()) {
                        c = p.charAt(++pi);
                    }
                    if (si >= s.length() || s.charAt(si) != c) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        return si == s.length();
    }
}
