package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.fixtures.ReadWriteContenderMain;
import io.warden.fixtures.ReaderMain;
import io.warden.testkit.Await;
import io.warden.testkit.ChildJvm;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Read-write exclusion and crashed readers across real processes. */
@WithRedis
class CrossProcessReadWriteLockTest {
    private final List<ChildJvm> children = new ArrayList<>();
    private final RedisServer server;
    private final WardenFixture wardens;

    CrossProcessReadWriteLockTest(RedisServer server) {
        this.server = server;
        this.wardens = new WardenFixture(server.uri());
    }

    @AfterEach
    void stopChildren() {
        children.forEach(ChildJvm::close);
        wardens.close();
    }

    private ChildJvm child(Class<?> main, String... args) {
        ChildJvm jvm = ChildJvm.start(main, args);
        children.add(jvm);
        return jvm;
    }

    record Section(boolean write, long start, long end, long token, int process) {
        boolean overlaps(Section other) {
            return start <= other.end && other.start <= end;
        }
    }

    @Test
    void writersExcludeEveryoneAcrossProcessesReadersOverlapAndTokensOrderWritesAfterReads() {
        for (int i = 0; i < 3; i++) {
            child(ReadWriteContenderMain.class, server.uri(), "shared", "3", "5000");
        }
        List<Section> sections = new ArrayList<>();
        for (int p = 0; p < children.size(); p++) {
            ChildJvm jvm = children.get(p);
            assertThat(jvm.waitFor(Duration.ofSeconds(90))).isZero();
            for (String line : jvm.stdout()) {
                if (line.startsWith("R ") || line.startsWith("W ")) {
                    String[] f = line.split(" ");
                    sections.add(new Section(
                            f[0].equals("W"), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), p));
                }
            }
        }
        sections.sort(Comparator.comparingLong(Section::start));
        List<Section> writes = sections.stream().filter(Section::write).toList();
        assertThat(writes).hasSizeGreaterThan(10);
        assertThat(sections.size() - writes.size()).isGreaterThan(30);
        for (Section write : writes) {
            for (Section other : sections) {
                if (other == write) {
                    continue;
                }
                assertThat(write.overlaps(other))
                        .as("write %s overlaps %s", write, other)
                        .isFalse();
                if (other.end() < write.start()) {
                    assertThat(other.token()).as("%s before %s", other, write).isLessThan(write.token());
                } else {
                    assertThat(other.token()).as("%s after %s", other, write).isGreaterThan(write.token());
                }
            }
        }
        boolean readersOfTwoProcessesOverlapped = false;
        for (int i = 0; i < sections.size() && !readersOfTwoProcessesOverlapped; i++) {
            for (int j = i + 1;
                    j < sections.size()
                            && sections.get(j).start() <= sections.get(i).end();
                    j++) {
                if (sections.get(j).process() != sections.get(i).process()) {
                    readersOfTwoProcessesOverlapped = true;
                    break;
                }
            }
        }
        assertThat(readersOfTwoProcessesOverlapped)
                .as("readers of two processes overlapped")
                .isTrue();
    }

    @Test
    void aKilledReaderBlocksAWriterNoLongerThanItsOwnLeasePlusOneSecond() throws Exception {
        ChildJvm reader = child(ReaderMain.class, server.uri(), "crash", "1000");
        reader.awaitLine(l -> l.startsWith("ACQUIRED"), Duration.ofSeconds(30));
        Warden survivor = wardens.open();
        // Another reader, renewed by its watchdog through the kill, leaves soon after.
        Lease other = wardens.open(b -> b.defaultLeaseTime(Duration.ofMillis(300)))
                .readWriteLock("crash")
                .readLock()
                .acquire(Duration.ZERO);
        reader.kill();
        long killed = System.nanoTime();
        Thread leaver = new Thread(() -> {
            Await.sleep(500);
            other.release();
        });
        leaver.start();
        try (Lease write = survivor.readWriteLock("crash").writeLock().acquire(Duration.ofSeconds(10))) {
            assertThat(write.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(killed)).isLessThan(2_000);
        leaver.join();
    }
}
