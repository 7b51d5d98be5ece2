package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeakSafetyTest {

    @Test
    void serverAbandonedByAnExitingJvmIsKilledAndItsDirDeletedByTheShutdownHook() {
        long serverPid;
        Path serverDir;
        try (ChildJvm child = ChildJvm.start(AbandoningMain.class)) {
            serverDir = Paths.get(child.awaitLine(l -> l.startsWith("dir="), Duration.ofSeconds(30))
                    .substring("dir=".length()));
            String line = child.awaitLine(l -> l.startsWith("pid="), Duration.ofSeconds(30));
            serverPid = Long.parseLong(line.substring("pid=".length()));
            assertThat(child.waitFor(Duration.ofSeconds(30))).isZero();
        }

        Await.until(
                "the abandoned redis-server is gone",
                Duration.ofSeconds(10),
                () -> ProcessHandle.of(serverPid).filter(ProcessHandle::isAlive).isEmpty());
    }
}
