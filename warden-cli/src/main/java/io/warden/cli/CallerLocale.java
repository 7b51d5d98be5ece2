package io.warden.cli;

import java.util.Map;

/**
 * Gives the command the LC_ALL its caller had. bin/warden runs the JVM under a UTF-8 locale when the
 * caller's is not, so that arguments pass unchanged, and says in WARDEN_CALLER_LC_ALL what LC_ALL was:
 * {@code unset} or {@code set:VALUE}. The command must not see the difference.
 */
final class CallerLocale {
    static final String VARIABLE = "WARDEN_CALLER_LC_ALL";

    private CallerLocale() {}

    static void restore(Map<String, String> environment) {
        String caller = environment.remove(VARIABLE);
        if (caller == null) {
            return;
        }
        if (caller.startsWith("set:")) {
            environment.put("LC_ALL", caller.substring("set:".length()));
        } else {
            environment.remove("LC_ALL");
        }
    }
}
