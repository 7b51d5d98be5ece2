package io.warden.cli;

import io.warden.LeaseLostException;
import io.warden.LockKeyConflictException;
import io.warden.RedisUnavailableException;
import io.warden.WardenException;
import java.io.PrintWriter;

/**
 * Turns a failure into one line on stderr and an exit code. Stack traces only with --verbose: the
 * message already names the lock, the Redis address and the cause.
 */
final class Problems {
    private Problems() {}

    /** The exit code for {@code error}. */
    static int exitCode(Throwable error) {
        if (error instanceof RedisUnavailableException) {
            return RedisRefusals.exitCode(error).orElse(ExitCodes.REDIS_UNAVAILABLE);
        }
        if (error instanceof LockKeyConflictException) {
            return ExitCodes.FOREIGN_KEY;
        }
        if (error instanceof LeaseLostException) {
            return ExitCodes.LEASE_LOST;
        }
        if (error instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.INTERNAL;
    }

    /** Prints {@code error} as one line about {@code lockName} (null if none) and returns its exit code. */
    static int report(Throwable error, String lockName, PrintWriter err) {
        err.println(line(error, lockName));
        if (Logging.isVerbose()) {
            error.printStackTrace(err);
        }
        err.flush();
        return exitCode(error);
    }

    static String line(Throwable error, String lockName) {
        if (error instanceof WardenException warden && RedisRefusals.untrustedCertificate(error)) {
            String name = warden.lockName() != null ? warden.lockName() : lockName;
            return about(
                    name,
                    warden.redisAddress(),
                    "TLS: the server's certificate is not trusted (give its CA with --tls-ca FILE, or"
                            + " --tls-insecure for tests)");
        }
        if (error instanceof WardenException warden) {
            String name = warden.lockName() != null ? warden.lockName() : lockName;
            return about(name, warden.redisAddress(), detail(warden));
        }
        if (error instanceof IllegalArgumentException) {
            return "warden: " + error.getMessage();
        }
        return "warden: internal error: " + error + (Logging.isVerbose() ? "" : " (run with --verbose for details)");
    }

    /** {@code warden: lock 'NAME' on host:port: what} (or {@code warden: host:port: what} without a lock). */
    static String about(String lockName, String address, String what) {
        String subject = lockName == null ? "" : "lock '" + Names.shown(lockName) + "' on ";
        return "warden: " + subject + address + ": " + what;
    }

    /** The exception's message without the "lock 'X' on host:port: " head Warden puts in front. */
    static String detail(WardenException error) {
        String message = String.valueOf(error.getMessage());
        String subject = error.lockName() == null ? "Warden" : "lock '" + error.lockName() + "'";
        String head = subject + " on " + error.redisAddress() + ": ";
        return message.startsWith(head) ? message.substring(head.length()) : message;
    }
}
