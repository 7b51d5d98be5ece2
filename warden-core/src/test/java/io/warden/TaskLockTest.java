package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.fixtures.TaskNodeMain;
import io.warden.testkit.Await;
import io.warden.testkit.ChildJvm;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Task locks: run on exactly one node, skip everywhere else. */
@WithRedis
class TaskLockTest extends OneServerTest {
    TaskLockTest(RedisServer server) {
        super(server);
    }

    @Test
    void nodesFiringAtTheSameInstantRunTheTaskExactlyOnceAndTheOthersSeeTheHolder() throws Exception {
        int nodes = 8;
        List<Warden> cluster = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            cluster.add(wardens.open());
        }
        for (int round = 0; round < 15; round++) {
            String name = "report:" + round;
            CyclicBarrier fire = new CyclicBarrier(nodes);
            AtomicInteger runs = new AtomicInteger();
            List<TaskResult<String>> results = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (Warden node : cluster) {
                Thread t = new Thread(() -> {
                    try {
                        fire.await();
                        results.add(node.task(name)
                                .lockAtLeastFor(Duration.ofSeconds(2))
                                .runIfFree(() -> {
                                    runs.incrementAndGet();
                                    return "report";
                                }));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(20_000);
            }
            assertThat(runs).as("round %d", round).hasValue(1);
            assertThat(results).hasSize(nodes);
            assertThat(results)
                    .filteredOn(TaskResult::executed)
                    .hasSize(1)
                    .allSatisfy(r -> assertThat(r.value()).contains("report"));
            assertThat(results)
                    .filteredOn(r -> !r.executed())
                    .hasSize(nodes - 1)
                    .allSatisfy(r -> assertThat(r.holder()).hasValueSatisfying(h -> {
                        assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
                        assertThat(h.host()).isNotBlank();
                    }));
        }
    }

    @Test
    void nodesInSeparateProcessesRunEachRoundExactlyOnce() {
        long first = System.currentTimeMillis() + 4_000;
        List<ChildJvm> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(ChildJvm.start(TaskNodeMain.class, server.uri(), "sweep", "5", Long.toString(first), "300"));
            }
            List<String> lines = new ArrayList<>();
            for (ChildJvm node : nodes) {
                assertThat(node.waitFor(Duration.ofSeconds(60))).isZero();
                lines.addAll(node.stdout());
            }
            for (int round = 0; round < 5; round++) {
                int r = round;
                assertThat(lines.stream().filter(l -> l.equals("RAN " + r)))
                        .as("round %d", r)
                        .hasSize(1);
                assertThat(lines.stream().filter(l -> l.startsWith("SKIPPED " + r + " ")))
                        .hasSize(2);
            }
        } finally {
            nodes.forEach(ChildJvm::close);
        }
    }

    /** The seed's bug: a node that did not get the lock deleted the key on exit anyway. */
    @Test
    void aSkippingNodeNeverDeletesOrShortensTheHoldersKey() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> running = new CompletableFuture<>();
        CompletableFuture<TaskResult<Object>> holder = CompletableFuture.supplyAsync(
                () -> a.task("shared-job").lockAtMostFor(Duration.ofMinutes(1)).runIfFree(() -> {
                    running.complete(null);
                    release.join();
                    return null;
                }));
        running.get(5, TimeUnit.SECONDS);
        Object owner = server.command("HGET", "warden:{shared-job}", "owner");
        long ttlBefore = (Long) server.command("PTTL", "warden:{shared-job}");
        for (int i = 0; i < 5; i++) {
            TaskResult<String> skipped = b.task("shared-job").runIfFree(() -> "must not run");
            assertThat(skipped.executed()).isFalse();
        }
        assertThat(server.command("HGET", "warden:{shared-job}", "owner")).isEqualTo(owner);
        assertThat((Long) server.command("PTTL", "warden:{shared-job}")).isGreaterThan(ttlBefore - 2_000);
        release.complete(null);
        assertThat(holder.get(10, TimeUnit.SECONDS).executed()).isTrue();
    }

    @Test
    void aTasksExceptionPropagatesUnchangedAndTheLockIsReleased() {
        Warden warden = wardens.open();
        IOException failure = new IOException("upstream down");
        assertThatThrownBy(() -> warden.task("failing").runIfFree(() -> {
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(server.command("EXISTS", "warden:{failing}")).isEqualTo(0L);
        assertThat(wardens.open().task("failing").runIfFree(() -> {})).isTrue();
    }

    @Test
    void listenersHearEachEventAndAssertHeldWorksOnlyInsideARun() throws Exception {
        Warden warden = wardens.open();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        TaskListener listener = new TaskListener() {
            @Override
            public void onAcquired(String task, long fencingToken) {
                events.add("acquired " + task);
            }

            @Override
            public void onSkipped(String task, Optional<HolderInfo> holder) {
                events.add("skipped " + task + " " + holder.isPresent());
            }

            @Override
            public void onFinished(String task, Duration took, Throwable failure) {
                events.add("finished " + task + " " + (failure == null));
                throw new IllegalStateException("a buggy listener must not break the run");
            }
        };
        TaskLock task = warden.task("observed").listener(listener);
        assertThatThrownBy(TaskLock::assertHeld).isInstanceOf(IllegalStateException.class);
        TaskResult<String> result = task.runIfFree(() -> {
            TaskLock.assertHeld();
            assertThat(wardens.open().task("observed").listener(listener).runIfFree(() -> "no"))
                    .satisfies(r -> assertThat(r.executed()).isFalse());
            return "yes";
        });
        assertThat(result.value()).contains("yes");
        assertThat(events).containsExactly("acquired observed", "skipped observed true", "finished observed true");
    }

    @Test
    void runWhenFreeWaitsForTheHolderThenRuns() throws Exception {
        Warden a = wardens.open();
        Warden b = wardens.open();
        Lease held = a.lock("queued-job").acquire(Duration.ZERO);
        CompletableFuture<TaskResult<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return b.task("queued-job").runWhenFree(Duration.ofSeconds(10), () -> "ran after waiting");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Await.sleep(300);
        assertThat(waiting).isNotDone();
        held.release();
        assertThat(waiting.get(5, TimeUnit.SECONDS).value()).contains("ran after waiting");
        TaskResult<String> skipped = b.task("queued-job-2").runWhenFree(Duration.ofMillis(1), () -> "ran");
        assertThat(skipped.executed()).isTrue();
    }

    @Test
    void lockAtLeastForAboveLockAtMostForIsRejected() {
        Warden warden = wardens.open();
        assertThatThrownBy(() ->
                        warden.task("bad").lockAtMostFor(Duration.ofSeconds(1)).lockAtLeastFor(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad")
                .hasMessageContaining("lockAtLeastFor");
        assertThatThrownBy(() ->
                        warden.task("bad").lockAtLeastFor(Duration.ofHours(2)).runIfFree(() -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
