package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@WithRedis
class FaultProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void commandsPassThrough(RedisServer server) {
        try (FaultProxy proxy = FaultProxy.to(server);
                RespClient client = RespClient.connect("127.0.0.1", proxy.port(), WAIT)) {
            assertThat(proxy.uri()).isEqualTo("redis://127.0.0.1:" + proxy.port());
            assertThat(client.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(server.command("GET", "k")).isEqualTo("v");
            assertThat(proxy.activeConnections()).isEqualTo(1);
        }
    }

    @Test
    void latencyDelaysEveryCommand(RedisServer server) {
        try (FaultProxy proxy = FaultProxy.to(server);
                RespClient client = RespClient.connect("127.0.0.1", proxy.port(), WAIT)) {
            proxy.latency(Duration.ofMillis(200));
            assertThat(timePing(client)).isGreaterThanOrEqualTo(Duration.ofMillis(150));

            proxy.latency(Duration.ZERO);
            assertThat(client.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void blackholeSwallowsTrafficWhileTheServerStillAnswersDirectly(RedisServer server) {
        try (FaultProxy proxy = FaultProxy.to(server);
                RespClient before = RespClient.connect("127.0.0.1", proxy.port(), WAIT)) {
            assertThat(before.command("PING")).isEqualTo("PONG");

            proxy.blackhole();

            before.readTimeout(Duration.ofMillis(300));
            assertThatThrownBy(() -> before.command("SET", "k", "v"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(SocketTimeoutException.class);
            try (RespClient during = RespClient.connect("127.0.0.1", proxy.port(), Duration.ofMillis(300))) {
                assertThatThrownBy(() -> during.command("PING")).hasCauseInstanceOf(SocketTimeoutException.class);
            }
            assertThat(server.command("PING")).isEqualTo("PONG");
            assertThat(server.command("GET", "k")).isNull();
        }
    }

    @Test
    void healCutsBlackholedConnectionsAndLetsNewOnesThrough(RedisServer server) {
        try (FaultProxy proxy = FaultProxy.to(server);
                RespClient untouched = RespClient.connect("127.0.0.1", proxy.port(), WAIT);
                RespClient swallowed = RespClient.connect("127.0.0.1", proxy.port(), Duration.ofMillis(300))) {
            assertThat(untouched.command("PING")).isEqualTo("PONG");
            assertThat(swallowed.command("PING")).isEqualTo("PONG");
            proxy.blackhole();
            assertThatThrownBy(() -> swallowed.command("PING")).hasCauseInstanceOf(SocketTimeoutException.class);

            proxy.heal();

            Await.until("the swallowed connection is cut", WAIT, () -> proxy.activeConnections() == 1);
            assertThat(untouched.command("PING")).isEqualTo("PONG");
            try (RespClient fresh = RespClient.connect("127.0.0.1", proxy.port(), WAIT)) {
                assertThat(fresh.command("PING")).isEqualTo("PONG");
            }
        }
    }

    @Test
    void cutAllClosesOpenConnectionsAndKeepsListening(RedisServer server) throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server);
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(RespClient.encode("PING"));
            assertThat(new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                    .isEqualTo("+PONG\r\n");
            Await.until("the proxy counts the connection", WAIT, () -> proxy.activeConnections() == 1);

            proxy.cutAll();

            assertThat(readOrFail(socket.getInputStream())).isEqualTo(-1);
            assertThat(proxy.activeConnections()).isZero();
            assertThat(RespClient.call("127.0.0.1", proxy.port(), WAIT, "PING")).isEqualTo("PONG");
        }
    }

    @Test
    void deadTargetClosesClientConnections(RedisServer server) throws Exception {
        try (FaultProxy proxy = FaultProxy.to(server);
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            Await.until("the proxy counts the connection", WAIT, () -> proxy.activeConnections() == 1);

            server.kill();

            assertThat(readOrFail(socket.getInputStream())).isEqualTo(-1);
            assertThatThrownBy(() -> RespClient.call("127.0.0.1", proxy.port(), WAIT, "PING"))
                    .isInstanceOf(UncheckedIOException.class);
        }
    }

    /** -1 for an orderly close, -2 for a reset: both mean the connection is gone. */
    private static int readOrFail(InputStream in) {
        try {
            int b = in.read();
            return b < 0 ? -1 : b;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open", e);
        } catch (IOException e) {
            return -1;
        }
    }

    private static Duration timePing(RespClient client) {
        long start = System.nanoTime();
        assertThat(client.command("PING")).isEqualTo("PONG");
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
