package io.warden.cli;

import java.util.Locale;
import java.util.Set;

/**
 * Refuses Redis URIs whose host or port is malformed before any connection is tried: the client library
 * would read {@code redis://:6550} or {@code redis://host:notaport} as a host name to resolve, and the
 * resulting "cannot connect" (exit 69) would make scripts retry a typo forever.
 */
final class RedisUriCheck {
    private static final Set<String> HOST_LIST_SCHEMES =
            Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster");

    private RedisUriCheck() {}

    /** @throws IllegalArgumentException naming the URI and what is wrong with it */
    static void check(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0
                || !HOST_LIST_SCHEMES.contains(uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT))) {
            return; // other schemes (redis-socket://) and non-URIs: the library says what is wrong
        }
        String authority = uri.substring(schemeEnd + 3);
        for (char end : new char[] {'/', '?', '#'}) {
            int cut = authority.indexOf(end);
            if (cut >= 0) {
                authority = authority.substring(0, cut);
            }
        }
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        for (String node : authority.split(",", -1)) {
            String problem = problem(node);
            if (problem != null) {
                throw new IllegalArgumentException(
                        "not a Redis URI: '" + ConnectionOptions.redacted(uri) + "': " + problem);
            }
        }
    }

    private static String problem(String node) {
        if (node.startsWith("[")) {
            int close = node.indexOf(']');
            return close < 0 ? "unclosed '[' in '" + node + "'" : port(node.substring(close + 1));
        }
        int colon = node.lastIndexOf(':');
        String host = colon < 0 ? node : node.substring(0, colon);
        if (host.isEmpty()) {
            return "no host in '" + node + "'";
        }
        return colon < 0 ? null : port(node.substring(colon));
    }

    /** {@code rest} is "" or ":PORT". */
    private static String port(String rest) {
        if (rest.isEmpty()) {
            return null;
        }
        String port = rest.substring(1);
        if (!rest.startsWith(":") || port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "port '" + port + "' is not a number";
        }
        return null;
    }
}
