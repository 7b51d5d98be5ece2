package io.warden.testkit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Several independent standalone {@link RedisServer}s, as Redlock needs: no replication between them, each
 * with its own port, directory and data. They start in parallel; either all of them start or none is left
 * running. Does not coordinate faults across the servers: kill or pause each one through {@link
 * #get(int)}. Thread-safe; {@link #close()} stops them all.
 */
public final class RedisServerGroup implements AutoCloseable {

    private final List<RedisServer> servers;
    private boolean closed;

    private RedisServerGroup(List<RedisServer> servers) {
        this.servers = servers;
    }

    /** Starts {@code count} servers with the default settings (free ports, no persistence). */
    public static RedisServerGroup start(int count) {
        return start(count, RedisServer.builder());
    }

    /**
     * Starts {@code count} servers, each by {@code builder.start()}, so they share its settings (such as
     * {@link RedisServer.Builder#appendOnly(boolean)}); a builder with a fixed port cannot start more than
     * one.
     */
    public static RedisServerGroup start(int count, RedisServer.Builder builder) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count);
        }
        return new RedisServerGroup(Topology.startAll(count, i -> builder.start()));
    }

    /** The servers, in start order. */
    public List<RedisServer> servers() {
        return servers;
    }

    /** The server at {@code index}, from 0. */
    public RedisServer get(int index) {
        return servers.get(index);
    }

    /** {@code redis://127.0.0.1:PORT} of every server, in order. */
    public List<String> uris() {
        return servers.stream().map(RedisServer::uri).collect(Collectors.toUnmodifiableList());
    }

    /** Stops every server, even if stopping one fails, then throws the first failure. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Topology.closeAll(servers);
    }

    @Override
    public String toString() {
        return "RedisServerGroup" + uris();
    }
}
