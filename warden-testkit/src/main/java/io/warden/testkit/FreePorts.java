package io.warden.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks a loopback TCP port that was free a moment ago. Another process may take it before the caller
 * binds it, so callers must be ready to retry with another port.
 */
final class FreePorts {

    /** Redis Cluster's bus listens on the client port plus this. */
    static final int CLUSTER_BUS_OFFSET = 10_000;

    private static final int ATTEMPTS = 1_000;

    private FreePorts() {}

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /**
     * Picks a port for a cluster node: free a moment ago, at most 55535, and with its cluster bus port
     * (port + {@value #CLUSTER_BUS_OFFSET}) free a moment ago too.
     */
    static int pickWithClusterBus() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = pick();
            if (port + CLUSTER_BUS_OFFSET <= 65_535 && isFree(port + CLUSTER_BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("found no free loopback port whose port + 10000 is free too");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
