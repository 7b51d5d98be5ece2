package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void startedServerAnswersFromItsOwnDirWithPersistenceOff() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.command("PING")).isEqualTo("PONG");
            assertThat(server.isRunning()).isTrue();
            assertThat(server.host()).isEqualTo("127.0.0.1");
            assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(server.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
            assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "no"));
            assertThat(server.command("CONFIG", "GET", "bind")).isEqualTo(List.of("bind", "127.0.0.1"));
            List<?> dir = (List<?>) server.command("CONFIG", "GET", "dir");
            assertThat(dir.get(1)).isEqualTo(server.dir().toRealPath().toString());
            assertThat(server.info("server").get("process_id")).isEqualTo(Long.toString(server.pid()));
            assertThat(server.version()).isEqualTo(server.info("server").get("redis_version"));
        }
    }

    @Test
    void twoServersAreIndependent() {
        try (RedisServer a = RedisServer.start();
                RedisServer b = RedisServer.start()) {
            a.command("SET", "k", "a");
            assertThat(b.command("GET", "k")).isNull();
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.dir()).isNotEqualTo(b.dir());
        }
    }

    @Test
    void repliesAreTyped() {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(server.command("GET", "k")).isEqualTo("v");
            assertThat(server.command("INCR", "n")).isEqualTo(1L);
            assertThat(server.command("GET", "missing")).isNull();
            server.command("RPUSH", "list", "x", "ÿ");
            assertThat(server.command("LRANGE", "list", "0", "-1")).isEqualTo(List.of("x", "ÿ"));
            assertThat(server.dbSize()).isEqualTo(3);
            server.flushAll();
            assertThat(server.dbSize()).isZero();
            assertThatThrownBy(() -> server.command("NOSUCHCOMMAND"))
                    .isInstanceOf(RedisReplyException.class)
                    .hasMessageContaining("unknown command");
        }
    }

    @Test
    void commandCallsCountsPerCommand() {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.commandCalls("evalsha")).isZero();
            for (int i = 0; i < 3; i++) {
                server.command("PING");
            }
            assertThat(server.commandCalls("ping")).isEqualTo(3);
            assertThat(server.commandCalls("PING")).isEqualTo(3);
        }
    }

    @Test
    void extraArgsAndFixedPortAreApplied() {
        int port = FreePorts.pick();
        try (RedisServer server = RedisServer.builder()
                .port(port)
                .arg("maxmemory", "10mb")
                .arg("--maxmemory-policy", "allkeys-lru")
                .start()) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.command("CONFIG", "GET", "maxmemory")).isEqualTo(List.of("maxmemory", "10485760"));
            assertThat(server.command("CONFIG", "GET", "maxmemory-policy"))
                    .isEqualTo(List.of("maxmemory-policy", "allkeys-lru"));
        }
    }

    @Test
    void debugCommandIsEnabled() {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.command("DEBUG", "SLEEP", "0")).isEqualTo("OK");
        }
    }

    @Test
    void startFailureReportsTheLogAndLeavesNothingRunning() {
        int before = RedisServer.liveServerCount();

        assertThatThrownBy(() ->
                        RedisServer.builder().arg("no-such-directive", "1").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-directive");

        assertThat(RedisServer.liveServerCount()).isEqualTo(before);
    }

    @Test
    void takenFixedPortFailsFast() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() ->
                            RedisServer.builder().port(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasRootCauseInstanceOf(RedisLauncher.PortTakenException.class);
        }
    }

    @Test
    void killedServerRefusesConnections() {
        try (RedisServer server = RedisServer.start()) {
            long pid = server.pid();
            server.kill();

            assertThat(server.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close())
                    .isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> server.command("PING")).isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void pausedServerAnswersNothingUntilResumed() {
        try (RedisServer server = RedisServer.start()) {
            server.pause();

            assertThat(server.isRunning()).isTrue();
            assertThatThrownBy(() -> server.command(Duration.ofMillis(300), "PING"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(SocketTimeoutException.class);

            server.resume();
            assertThat(server.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void closingAPausedServerStillStopsIt() {
        RedisServer server = RedisServer.start();
        server.pause();
        server.close();
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    void restartKeepsThePortAndLosesDataWithoutPersistence() {
        try (RedisServer server = RedisServer.start()) {
            int port = server.port();
            long pid = server.pid();
            server.command("SET", "k", "v");

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(pid);
            assertThat(server.command("GET", "k")).isNull();

            server.command("SET", "k", "v");
            server.killAndRestart();
            assertThat(server.command("GET", "k")).isNull();
        }
    }

    @Test
    void appendOnlyDataSurvivesKillAndRestart() {
        try (RedisServer server = RedisServer.builder().appendOnly(true).start()) {
            assertThat(server.command("CONFIG", "GET", "appendfsync")).isEqualTo(List.of("appendfsync", "always"));
            server.command("SET", "k", "v");

            server.killAndRestart();
            assertThat(server.command("GET", "k")).isEqualTo("v");

            server.command("SET", "k2", "v2");
            server.restart();
            assertThat(server.command("MGET", "k", "k2")).isEqualTo(List.of("v", "v2"));
        }
    }

    @Test
    void restartAfterKillStartsItAgain() {
        try (RedisServer server = RedisServer.start()) {
            server.kill();
            server.restart();
            assertThat(server.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void clientPauseDelaysCommands() {
        try (RedisServer server = RedisServer.start()) {
            long start = System.nanoTime();
            server.clientPause(Duration.ofMillis(800));
            assertThat(server.command("PING")).isEqualTo("PONG");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(600));
        }
    }

    @Test
    void debugSleepFreezesTheServerAndBlocksTheCaller() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            Duration sleep = Duration.ofMillis(1000);
            long start = System.nanoTime();
            CompletableFuture<Void> sleeper = CompletableFuture.runAsync(() -> server.debugSleep(sleep));

            Duration slowestPing = Duration.ZERO;
            while (!sleeper.isDone()) {
                long pingStart = System.nanoTime();
                server.command("PING");
                Duration ping = Duration.ofNanos(System.nanoTime() - pingStart);
                slowestPing = ping.compareTo(slowestPing) > 0 ? ping : slowestPing;
            }
            sleeper.get(10, TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
            assertThat(slowestPing).isGreaterThan(Duration.ofMillis(500));
        }
    }

    @Test
    void closeStopsTheProcessDeletesTheDirAndIsIdempotent() throws Exception {
        RedisServer server = RedisServer.start();
        int live = RedisServer.liveServerCount();

        server.close();
        server.stop();

        assertThat(server.isRunning()).isFalse();
        assertThat(Files.exists(server.dir())).isFalse();
        assertThat(RedisServer.liveServerCount()).isEqualTo(live - 1);
        assertThat(pgrep("redis-server.*:" + server.port())).isEmpty();
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class);
    }

    static String pgrep(String pattern) throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-f", pattern)
                .redirectErrorStream(true)
                .start();
        String output = new String(pgrep.getInputStream().readAllBytes()).trim();
        pgrep.waitFor(10, TimeUnit.SECONDS);
        return output;
    }
}
