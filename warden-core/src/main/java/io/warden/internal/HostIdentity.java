package io.warden.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This process's host name and pid, recorded in the locks it holds for operators to read. */
record HostIdentity(String host, long pid) {

    static HostIdentity current() {
        return new HostIdentity(hostName(), ProcessHandle.current().pid());
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
