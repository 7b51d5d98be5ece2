package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@WithRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionConstructorTest {

    private static RedisServer previous;

    private final RedisServer fromConstructor;
    private RedisServer fromBeforeEach;

    RedisExtensionConstructorTest(RedisServer server) {
        this.fromConstructor = server;
    }

    @BeforeEach
    void setUp(RedisServer server) {
        fromBeforeEach = server;
    }

    @AfterEach
    void serversStillRunDuringAfterEach() {
        assertThat(fromConstructor.isRunning()).isTrue();
        assertThat(fromBeforeEach.isRunning()).isTrue();
    }

    @Test
    @Order(1)
    void constructorAndBeforeEachGetDifferentServers() {
        assertThat(fromConstructor.port()).isNotEqualTo(fromBeforeEach.port());
        assertThat(fromConstructor.command("PING")).isEqualTo("PONG");
        previous = fromConstructor;
    }

    @Test
    @Order(2)
    void constructorServerOfTheLastTestIsStopped() {
        assertThat(previous.isRunning()).isFalse();
        assertThat(fromConstructor).isNotSameAs(previous);
        assertThat(fromConstructor.isRunning()).isTrue();
    }
}
