package io.warden;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds a lock, as recorded by the holder when it acquired it. For logs and operators only:
 * never a proof of ownership (the owner token stays secret).
 *
 * @param host the holder's host name
 * @param pid the holder's process id
 * @param since when the lock was acquired, on the holder's clock (for people, not for decisions)
 * @param fencingToken the holder's fencing token (0 when fencing is disabled)
 */
public record HolderInfo(String host, long pid, Instant since, long fencingToken) {
    public HolderInfo {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(since, "since");
    }

    @Override
    public String toString() {
        return host + " pid " + pid + " since " + since + " (fencing token " + fencingToken + ")";
    }
}
