package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChildJvmTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    @Test
    void awaitLineSeesOutputAndStderrIsCollected() {
        try (ChildJvm child = ChildJvm.start(TickingMain.class)) {
            assertThat(child.awaitLine("ready"::equals, STARTUP)).isEqualTo("ready");
            assertThat(child.awaitLine(line -> line.startsWith("tick"), STARTUP))
                    .startsWith("tick");
            Await.until("stderr line arrives", STARTUP, () -> child.stderr().contains("err-line"));
            assertThat(child.stdout()).startsWith("ready");
            assertThat(child.isAlive()).isTrue();
            assertThat(child.pid()).isPositive();
        }
    }

    @Test
    void pausedChildStopsTickingUntilResumed() throws Exception {
        try (ChildJvm child = ChildJvm.start(TickingMain.class)) {
            child.awaitLine(line -> line.startsWith("tick"), STARTUP);

            child.pause();
            Thread.sleep(300); // let ticks already in the pipe drain
            int ticksWhenPaused = child.stdout().size();
            Thread.sleep(700); // elapsed time is the thing under test: 14 ticks would be due
            assertThat(child.stdout()).hasSize(ticksWhenPaused);
            assertThat(child.isAlive()).isTrue();

            child.resume();
            Await.until("ticks resume", STARTUP, () -> child.stdout().size() > ticksWhenPaused);
        }
    }

    @Test
    void killEndsTheProcess() {
        ChildJvm child = ChildJvm.start(TickingMain.class);
        child.awaitLine("ready"::equals, STARTUP);

        child.kill();

        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(child.pid()).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(child.waitFor(Duration.ofSeconds(1))).isEqualTo(137);
        child.close();
    }

    @Test
    void waitForReturnsTheExitCode() {
        try (ChildJvm child = ChildJvm.start(TickingMain.class, "exit=3")) {
            assertThat(child.waitFor(STARTUP)).isEqualTo(3);
            assertThat(child.stdout()).contains("ready");
        }
    }

    @Test
    void terminateSendsSigterm() {
        try (ChildJvm child = ChildJvm.start(TickingMain.class)) {
            child.awaitLine("ready"::equals, STARTUP);
            child.terminate();
            assertThat(child.waitFor(STARTUP)).isEqualTo(143);
        }
    }

    @Test
    void waitForThrowsWhenStillRunning() {
        try (ChildJvm child = ChildJvm.start(TickingMain.class)) {
            assertThatThrownBy(() -> child.waitFor(Duration.ofMillis(100))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void awaitLineFailsWhenOutputEndsWithoutAMatch() {
        try (ChildJvm child = ChildJvm.start(TickingMain.class, "exit=0")) {
            assertThatThrownBy(() -> child.awaitLine("never"::equals, STARTUP))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ended its output");
        }
    }
}
