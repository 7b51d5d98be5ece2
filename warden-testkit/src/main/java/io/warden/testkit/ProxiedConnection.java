package io.warden.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;

/**
 * One client connection through a {@link FaultProxy} and its upstream connection, pumped by two daemon
 * threads. Applies the proxy's current faults to every chunk it forwards.
 */
final class ProxiedConnection {

    private static final int BUFFER_SIZE = 16 * 1024;

    private final FaultProxy proxy;
    private final Socket client;
    private final Socket upstream;
    private volatile boolean droppedData;
    private volatile boolean closed;

    /** {@code upstream} is null for a connection accepted during a blackhole: it never reaches the target. */
    ProxiedConnection(FaultProxy proxy, Socket client, Socket upstream) {
        this.proxy = proxy;
        this.client = client;
        this.upstream = upstream;
        this.droppedData = upstream == null;
    }

    void start(int id) {
        startPump(client, upstream, "warden-proxy-" + id + "-up");
        if (upstream != null) {
            startPump(upstream, client, "warden-proxy-" + id + "-down");
        }
    }

    /** True if a blackhole swallowed bytes (or a close) here, so the stream no longer lines up. */
    boolean droppedData() {
        return droppedData;
    }

    /** Closes both sockets; the pumps then end. Idempotent. */
    void close() {
        closed = true;
        closeQuietly(client);
        if (upstream != null) {
            closeQuietly(upstream);
        }
        proxy.forget(this);
    }

    private void startPump(Socket from, Socket to, String name) {
        Thread thread = new Thread(() -> pump(from, to), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? OutputStream.nullOutputStream() : to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (proxy.isBlackholed() || to == null) {
                    droppedData = true;
                    continue;
                }
                proxy.delay();
                if (proxy.isBlackholed()) {
                    droppedData = true;
                    continue;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // Closed by cutAll(), heal(), close() or the peer.
        } catch (IOException e) {
            // Any other I/O failure ends the connection just the same.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!closed && (proxy.isBlackholed() || upstream == null)) {
            // A partition does not deliver the FIN either: keep the other side open until heal() cuts it.
            droppedData = true;
            return;
        }
        close();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }
}
