package io.warden.cli;

import io.warden.HolderInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a lock's holder is a process of this machine that no longer runs: after {@code exec
 * --min-hold} the lock outlives its command, and an operator should not go looking for it.
 */
final class HolderProcess {
    private HolderProcess() {}

    /**
     * True if {@code holder} names this host, as Warden records it ($HOSTNAME, else the resolver's
     * name), and no process with its pid runs here. False when unsure.
     */
    static boolean endedHere(HolderInfo holder) {
        return holder.host().equals(thisHost())
                && holder.pid() > 0
                && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static String thisHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}
