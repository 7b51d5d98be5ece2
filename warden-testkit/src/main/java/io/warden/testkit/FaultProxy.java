package io.warden.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free 127.0.0.1 port that forwards to one target and can inject network faults: added
 * latency, a blackhole (a partition that drops everything but keeps connections open) and cutting every
 * connection.
 *
 * <p>Guarantees: while {@link #blackhole()} is on, no byte (and no connection close) passes in either
 * direction, and new connections are accepted but never connected to the target. {@link #heal()} ends all
 * faults and <em>cuts every connection that dropped data</em> during the blackhole (and every one accepted
 * during it), because a request or reply swallowed mid-stream would otherwise leave the client's replies
 * misaligned; clients must reconnect. Connections that dropped nothing stay open. Latency delays each
 * forwarded chunk in each direction (chunks on one connection are delayed one after another, so a stream
 * of chunks is slowed, not just shifted). Does not emulate packet loss, bandwidth limits or half-open TCP
 * states precisely. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean blackholed;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort, ServerSocket listener) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = listener;
    }

    /** Starts a proxy to {@code targetHost:targetPort}. */
    public static FaultProxy start(String targetHost, int targetPort) {
        try {
            ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy(Objects.requireNonNull(targetHost), targetPort, listener);
            Thread acceptor = new Thread(proxy::acceptLoop, "warden-proxy-accept-" + listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
    }

    /** Starts a proxy to {@code server}. */
    public static FaultProxy to(RedisServer server) {
        return start(server.host(), server.port());
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code redis://127.0.0.1:PORT} for the proxy's port. */
    public String uri() {
        return "redis://127.0.0.1:" + port();
    }

    /** Delays every forwarded chunk, in both directions, by {@code delay}; {@link Duration#ZERO} removes it. */
    public void latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative latency " + delay);
        }
        this.latency = delay;
    }

    /** Drops all traffic in both directions from now on, keeping connections open. */
    public void blackhole() {
        blackholed = true;
    }

    /** Ends latency and blackhole, and cuts the connections that lost data to the blackhole. */
    public void heal() {
        latency = Duration.ZERO;
        blackholed = false;
        for (ProxiedConnection connection : List.copyOf(connections)) {
            if (connection.droppedData()) {
                connection.close();
            }
        }
    }

    /** Closes every current connection on both sides at once; the proxy keeps accepting new ones. */
    public void cutAll() {
        for (ProxiedConnection connection : List.copyOf(connections)) {
            connection.close();
        }
    }

    /** Client connections currently open through the proxy. */
    public int activeConnections() {
        return connections.size();
    }

    /** Stops listening and cuts every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Already unusable.
        }
        cutAll();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + uri() + " -> " + targetHost + ":" + targetPort + "]";
    }

    boolean isBlackholed() {
        return blackholed;
    }

    void delay() throws InterruptedException {
        Duration current = latency;
        if (!current.isZero()) {
            Thread.sleep(current.toMillis(), current.toNanosPart() % 1_000_000);
        }
    }

    void forget(ProxiedConnection connection) {
        connections.remove(connection);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                Pause.briefly(); // For example out of file descriptors: do not spin.
                continue;
            }
            open(client);
        }
    }

    private void open(Socket client) {
        try {
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        Socket upstream = null;
        if (!blackholed) {
            upstream = connectUpstream();
            if (upstream == null) {
                // Target down: refuse the client the way a dead server would, by closing.
                closeQuietly(client);
                return;
            }
        }
        ProxiedConnection connection = new ProxiedConnection(this, client, upstream);
        connections.add(connection);
        if (closed) {
            connection.close();
            return;
        }
        connection.start(connectionIds.incrementAndGet());
    }

    /** A connected upstream socket, or null if the target is unreachable. */
    private Socket connectUpstream() {
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
            return upstream;
        } catch (IOException e) {
            closeQuietly(upstream);
            return null;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing more to do.
        }
    }
}
