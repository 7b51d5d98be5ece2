package io.warden.cli;

/**
 * The exit codes of {@code warden}, from sysexits.h where one fits. {@code warden exec} otherwise exits
 * with its command's own code, so scripts can tell the two apart only by these values: the command's
 * codes that collide with them are the command's business.
 */
public final class ExitCodes {
    /** The command succeeded; {@code status}: the lock is held. */
    public static final int OK = 0;
    /** {@code status}: the lock is free; {@code unlock --force}: there was nothing to remove. */
    public static final int FREE = 1;
    /** EX_USAGE: bad options or arguments. */
    public static final int USAGE = 64;
    /** EX_DATAERR: the lock's key holds data Warden did not write. */
    public static final int FOREIGN_KEY = 65;
    /** EX_UNAVAILABLE: Redis could not be reached or did not answer in time. */
    public static final int REDIS_UNAVAILABLE = 69;
    /** EX_NOPERM: Redis refused the credentials (wrong password, unknown user) or an ACL denied a command or key. */
    public static final int NO_PERMISSION = 77;
    /** EX_CONFIG: Redis refused the configuration given to it, such as a database number it does not have. */
    public static final int CONFIG = 78;
    /** EX_SOFTWARE: an unexpected internal error (run with --verbose for the stack trace). */
    public static final int INTERNAL = 70;
    /** EX_TEMPFAIL: {@code exec} did not get the lock (default of --conflict-exit-code). */
    public static final int CONFLICT = 75;
    /** {@code exec}: the lease was lost while the command ran, so it was not protected throughout. */
    public static final int LEASE_LOST = 76;
    /** As shells do: the command was found but could not be started. */
    public static final int CANNOT_RUN = 126;
    /** As shells do: the command was not found. */
    public static final int NOT_FOUND = 127;
    /** As shells do: a command killed by signal N makes {@code exec} exit with 128+N. */
    public static final int SIGNAL_BASE = 128;

    /** The table printed at the end of {@code warden --help} and {@code warden exec --help}. */
    static final String[] TABLE = {
        "  0      success; for exec, the command's own exit code is passed through",
        "  1      status: the lock is free; unlock --force: it was already free",
        "  64     bad usage (unknown option, bad duration, malformed Redis URI, ...)",
        "  65     the lock's key holds data Warden did not write",
        "  69     Redis unreachable, or it did not answer within the timeout (3 s):",
        "         worth retrying",
        "  70     internal error (run with --verbose for the stack trace)",
        "  75     exec: the lock was not acquired (-E/--conflict-exit-code changes it)",
        "  76     exec: the lease was lost while the command ran",
        "  77     Redis refused the credentials, or an ACL denied a command or key",
        "  78     Redis refused the configuration (a database number it does not have), or its TLS certificate is not trusted",
        "  126    exec: the command could not be started",
        "  127    exec: the command was not found",
        "  128+N  exec: the command died of signal N (143 for SIGTERM), or warden",
        "         got signal N while it was still waiting for the lock",
    };

    private ExitCodes() {}
}
