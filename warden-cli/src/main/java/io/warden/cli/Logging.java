package io.warden.cli;

/**
 * Configures slf4j-simple through its system properties, which it reads when the first logger is
 * created: so this must run before any Warden, Lettuce or Netty class logs. Quiet by default: stderr is
 * shared with the command, and warden reports each event itself in one line, so the libraries say
 * nothing but Warden's errors. {@code --verbose} raises Warden to DEBUG and lets the client libraries
 * warn (reconnection attempts and the like).
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static volatile boolean verbose;

    private Logging() {}

    /** Quiet defaults; a {@code -Dorg.slf4j.simpleLogger...} given on the command line wins. */
    static void quietByDefault() {
        setIfAbsent("defaultLogLevel", "error");
        setIfAbsent("log.io.warden", "error");
        // Its one warning is "Redis did not know script X; loading it again": routine for a process
        // that lives for one command against a fresh or restarted server, so not worth a line.
        setIfAbsent("log.io.warden.internal.StandaloneBackend", "error");
        setIfAbsent("log.io.lettuce", "off");
        setIfAbsent("log.io.netty", "off");
        setIfAbsent("log.reactor", "off");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("showShortLogName", "true");
        setIfAbsent("logFile", "System.err");
    }

    /** Warden's own loggers at DEBUG, and stack traces in error messages. */
    static void verbose() {
        verbose = true;
        System.setProperty(PREFIX + "log.io.warden", "debug");
        System.setProperty(PREFIX + "log.io.warden.internal.StandaloneBackend", "debug");
        for (String library : new String[] {"defaultLogLevel", "log.io.lettuce", "log.io.netty", "log.reactor"}) {
            System.setProperty(PREFIX + library, "warn");
        }
    }

    static boolean isVerbose() {
        return verbose;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
