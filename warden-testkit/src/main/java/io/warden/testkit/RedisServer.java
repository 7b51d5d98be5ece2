package io.warden.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A real redis-server process for one test, with fault controls: kill, pause, restart, client pause and
 * debug sleep. Each server has its own temporary directory and a loopback port (127.0.0.1 only), runs
 * in the foreground as a child of this JVM and is killed by a shutdown hook if a test forgets to close
 * it. Persistence is off unless {@link Builder#appendOnly(boolean)} turns on an AOF fsynced on every
 * write, which survives {@link #killAndRestart()}.
 *
 * <p>Does not guarantee anything about timing on a loaded machine: a paused or sleeping server resumes
 * when told, but a test must allow generous margins. Not meant for TLS. Clusters, sentinel groups and
 * server sets are built from these servers by {@link RedisCluster}, {@link SentinelGroup} and {@link
 * RedisServerGroup}; a sentinel of a {@link SentinelGroup} is a {@code RedisServer} too, whose data
 * methods ({@link #dbSize()}, {@link #flushAll()}, {@link #debugSleep}...) fail because sentinels lack
 * those commands, while {@link #kill()}, {@link #pause()} and {@link #restart()} work (a restarted sentinel
 * keeps the config it rewrote). Thread-safe: lifecycle methods are serialised; commands may run
 * concurrently from several threads.
 */
public final class RedisServer implements AutoCloseable {

    private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;

    private final RedisLauncher.Settings settings;
    private final Path dir;
    private final int port;
    private volatile Process process;
    private boolean closed;

    private RedisServer(RedisLauncher.Settings settings, Path dir, int port, Process process) {
        this.settings = settings;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a server with the default settings: free port, no persistence. */
    public static RedisServer start() {
        return builder().start();
    }

    /** A builder for a server with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** Servers started and not yet closed in this JVM, killed or not. */
    public static int liveServerCount() {
        return LIVE.size();
    }

    /** Always {@code "127.0.0.1"}. */
    public String host() {
        return RedisLauncher.HOST;
    }

    /** The port, which stays the same across restarts. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** The pid of the current (or, after a kill, the last) redis-server process. */
    public long pid() {
        return process.pid();
    }

    /** The server's private working directory, holding its logs and any AOF. */
    public Path dir() {
        return dir;
    }

    /** The server version, such as {@code "7.0.15"}. */
    public String version() {
        return settings.binary().version();
    }

    /** True while the process exists, including while it is paused. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Sends one command on a new connection with 5 s timeouts; see {@link RespClient} for replies. */
    public Object command(String... args) {
        return command(RespClient.DEFAULT_TIMEOUT, args);
    }

    /** Sends one command on a new connection, waiting at most {@code timeout} to connect and for the reply. */
    public Object command(Duration timeout, String... args) {
        return RespClient.call(host(), port, timeout, args);
    }

    /** The fields of {@code INFO section}, such as {@code "redis_version" -> "7.0.15"}. */
    public Map<String, String> info(String section) {
        return InfoParser.parse((String) command("INFO", section));
    }

    /** How often a command (lower-case, such as {@code "evalsha"}) ran since start; 0 if never. */
    public long commandCalls(String command) {
        String stats = info("commandstats").get("cmdstat_" + command.toLowerCase(Locale.ROOT));
        if (stats == null) {
            return 0;
        }
        for (String field : stats.split(",")) {
            if (field.startsWith("calls=")) {
                return Long.parseLong(field.substring("calls=".length()));
            }
        }
        return 0;
    }

    /** The number of keys in the current database. */
    public long dbSize() {
        return (Long) command("DBSIZE");
    }

    /** Deletes every key. */
    public void flushAll() {
        command("FLUSHALL");
    }

    /** SIGKILL; returns once the process is gone. Does nothing if it is not running. */
    public synchronized void kill() {
        Processes.kill(process);
    }

    /** SIGSTOP: the server keeps its connections open but answers nothing until {@link #resume()}. */
    public void pause() {
        Signals.send(process.pid(), "STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        Signals.send(process.pid(), "CONT");
    }

    /**
     * Stops the server gracefully if it runs (SIGTERM, which fsyncs an AOF) and starts it again on the same
     * port and directory. Without AOF the data is gone afterwards; with it, the data is reloaded.
     */
    public synchronized void restart() {
        checkOpen();
        Processes.terminate(process, STOP_GRACE);
        relaunch();
    }

    /** SIGKILL, then starts again on the same port and directory; with AOF the data survives. */
    public synchronized void killAndRestart() {
        checkOpen();
        Processes.kill(process);
        relaunch();
    }

    /** {@code CLIENT PAUSE}: the server holds client commands for {@code duration}; returns at once. */
    public void clientPause(Duration duration) {
        command("CLIENT", "PAUSE", Long.toString(duration.toMillis()));
    }

    /**
     * {@code DEBUG SLEEP}: the whole server freezes for {@code duration}. Blocks the calling thread until
     * the server answers; to freeze it in the background, call this from another thread.
     */
    public void debugSleep(Duration duration) {
        String seconds = String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
        command(duration.plus(RespClient.DEFAULT_TIMEOUT), "DEBUG", "SLEEP", seconds);
    }

    /** Same as {@link #close()}. */
    public void stop() {
        close();
    }

    /**
     * Stops the server (SIGTERM, SIGKILL after a grace period), waits for it to exit and deletes its
     * directory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Processes.terminate(process, STOP_GRACE);
        } finally {
            TempDirs.delete(dir);
            LIVE.remove(this);
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + ", pid " + process.pid() + ", redis " + version() + "]";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void relaunch() {
        for (int attempt = 1; ; attempt++) {
            try {
                process = RedisLauncher.launch(settings, dir, port);
                return;
            } catch (RedisLauncher.PortTakenException e) {
                if (attempt >= PORT_ATTEMPTS) {
                    throw new IllegalStateException("cannot restart on port " + port, e);
                }
                Pause.briefly();
            }
        }
    }

    private static RedisServer launchNew(RedisLauncher.Settings settings, int requestedPort, IntSupplier freePort) {
        Path dir = TempDirs.create(settings.sentinel() ? "warden-sentinel-" : "warden-redis-");
        try {
            for (int attempt = 1; ; attempt++) {
                int port = requestedPort > 0 ? requestedPort : freePort.getAsInt();
                try {
                    RedisServer server =
                            new RedisServer(settings, dir, port, RedisLauncher.launch(settings, dir, port));
                    LIVE.add(server);
                    return server;
                } catch (RedisLauncher.PortTakenException e) {
                    if (requestedPort > 0 || attempt >= PORT_ATTEMPTS) {
                        throw new IllegalStateException("cannot bind redis-server to a port", e);
                    }
                }
            }
        } catch (RuntimeException e) {
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** Settings for a {@link RedisServer}; each {@link #start()} starts a new, independent server. */
    public static final class Builder {
        private RedisBinary binary;
        private boolean appendOnly;
        private int port;
        private IntSupplier freePort = FreePorts::pick;
        private String sentinelConfig;
        private final Map<String, String> args = new LinkedHashMap<>();

        private Builder() {}

        /** AOF with {@code appendfsync always} when true; default false (no persistence at all). */
        public Builder appendOnly(boolean appendOnly) {
            this.appendOnly = appendOnly;
            return this;
        }

        /** A fixed port; by default a free loopback port is picked (and re-picked if it turns out taken). */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /** The binary to run; by default {@link RedisBinary#find()}. */
        public Builder binary(RedisBinary binary) {
            this.binary = Objects.requireNonNull(binary);
            return this;
        }

        /**
         * An extra config directive, such as {@code arg("maxmemory", "10mb")}, passed after the test kit's
         * own settings so it overrides them.
         */
        public Builder arg(String name, String value) {
            String bare = name.startsWith("--") ? name.substring(2) : name;
            args.put(bare, Objects.requireNonNull(value));
            return this;
        }

        /**
         * Package-private: run {@code redis-server CONFIG --sentinel}, where CONFIG is a file in the
         * server's directory holding {@code configText} (sentinel rewrites it as it learns). A sentinel gets
         * the port, bind, log and directory settings and the extra {@link #arg}s, but none of the data
         * settings; it cannot be {@link #appendOnly(boolean) append-only}.
         */
        Builder sentinel(String configText) {
            this.sentinelConfig = Objects.requireNonNull(configText);
            return this;
        }

        /**
         * Package-private: where ports come from when none is fixed, such as {@link
         * FreePorts#pickWithClusterBus()}; picked again if the port turns out taken.
         */
        Builder freePorts(IntSupplier freePort) {
            this.freePort = Objects.requireNonNull(freePort);
            return this;
        }

        /** Starts the server and returns once it answers. */
        public RedisServer start() {
            RedisBinary chosen = binary != null ? binary : RedisBinary.find();
            return launchNew(new RedisLauncher.Settings(chosen, appendOnly, args, sentinelConfig), port, freePort);
        }
    }
}
