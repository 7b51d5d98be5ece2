package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Runs after every other test class (see junit-platform.properties) and checks nothing was left behind. */
@Order(Integer.MAX_VALUE)
class NoLeakedProcessesTest {

    @Test
    void noServerOrChildJvmOutlivesItsTest() {
        assertThat(RedisServer.liveServerCount()).isZero();
        Await.until(
                "every child process has exited",
                Duration.ofSeconds(10),
                () -> ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .findAny()
                        .isEmpty());
    }
}
