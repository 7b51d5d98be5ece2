package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@WithRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionTest {

    private static RedisServer classServer;
    private static RedisServer firstA;
    private static RedisServer firstB;

    @BeforeAll
    static void startClassServer(RedisServer server) {
        classServer = server;
    }

    @Test
    @Order(1)
    void eachParameterGetsItsOwnRunningServer(RedisServer a, RedisServer b) {
        assertThat(a.command("PING")).isEqualTo("PONG");
        assertThat(b.command("PING")).isEqualTo("PONG");
        assertThat(a.port()).isNotEqualTo(b.port());
        assertThat(a.pid()).isNotEqualTo(b.pid());
        firstA = a;
        firstB = b;
    }

    @Test
    @Order(2)
    void serversOfAFinishedTestAreStopped() {
        for (RedisServer server : List.of(firstA, firstB)) {
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    @Order(3)
    void optionsTurnOnAppendOnly(@RedisOptions(appendOnly = true) RedisServer server) {
        assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo(List.of("appendonly", "yes"));
    }

    @Test
    @Order(4)
    void beforeAllServerLivesForTheWholeClass() {
        assertThat(classServer.isRunning()).isTrue();
        assertThat(classServer.command("PING")).isEqualTo("PONG");
    }
}
