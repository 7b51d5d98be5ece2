package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Backoff;
import io.warden.Permit;
import io.warden.internal.FakeTimeWardens.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How often a semaphore's waiters ask Redis, on fake time: a release of a full semaphore costs this
 * process's waiters one permit request, not one per wake-up source plus the next waiter's look at a
 * semaphore that this very grant filled.
 */
class SemaphoreWakeFakeTimeTest {
    /** No safety-net timer fires during a test: every request counted comes from a wake-up. */
    private static final Backoff NEVER = Backoff.exponential(Duration.ofMinutes(10), Duration.ofMinutes(10));

    private final FakeTimeWardens w = new FakeTimeWardens();
    private final AtomicInteger requests = new AtomicInteger();

    private Node countedNode() {
        LockStore counted = new ForwardingStore(w.redis.connect()) {
            @Override
            public CompletableFuture<PermitAcquired> acquirePermit(
                    SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp) {
                requests.incrementAndGet();
                return inner.acquirePermit(keys, request, token, ttlMillis, stamp);
            }
        };
        return w.node(counted, s -> FakeTimeWardens.withBackoff(s, NEVER));
    }

    private static DefaultSemaphore semaphore(Node node, int permits) {
        return new DefaultSemaphore(node.engine(), node.engine().keySpace().semaphoreKeys("pool"), permits, false);
    }

    @Test
    void eachReleaseOfAFullSemaphoreCostsItsWaitersOneRequest() {
        Node node = countedNode();
        DefaultSemaphore pool = semaphore(node, 2);
        List<CompletableFuture<Permit>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(pool.acquireAsync(Duration.ofMinutes(5)));
            w.scheduler.runReady();
        }
        assertThat(all.subList(0, 2)).allMatch(CompletableFuture::isDone);
        assertThat(all.subList(2, 6)).noneMatch(CompletableFuture::isDone);

        for (int i = 0; i < 4; i++) {
            requests.set(0);
            all.get(i).join().releaseAsync();
            w.scheduler.runFor(Duration.ofMillis(100).toNanos());

            assertThat(all.get(i + 2))
                    .as("release %d hands its permit to the oldest waiter", i)
                    .isDone();
            assertThat(all.subList(i + 3, 6)).as("the others still wait").noneMatch(CompletableFuture::isDone);
            assertThat(requests.get())
                    .as("permit requests after release %d: the grant's alone", i)
                    .isEqualTo(1);
        }
        all.forEach(permit -> permit.join().releaseAsync());
        w.scheduler.runFor(Duration.ofMillis(100).toNanos());
    }

    @Test
    void aReleaseInAnotherProcessCostsThisProcesssWaitersOneRequest() {
        Node holder = w.node();
        Node node = countedNode();
        DefaultSemaphore held = semaphore(holder, 1);
        CompletableFuture<Permit> first = held.acquireAsync(Duration.ZERO);
        w.scheduler.runReady();
        DefaultSemaphore pool = semaphore(node, 1);
        List<CompletableFuture<Permit>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(pool.acquireAsync(Duration.ofMinutes(5)));
        }
        w.scheduler.runFor(Duration.ofMillis(100).toNanos());
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        requests.set(0);

        first.join().releaseAsync();
        w.scheduler.runFor(Duration.ofMillis(100).toNanos());

        assertThat(waiting.get(0)).isDone();
        assertThat(waiting.subList(1, 3)).noneMatch(CompletableFuture::isDone);
        assertThat(requests.get()).as("the grant's request alone").isEqualTo(1);
    }

    @Test
    void aGrantThatLeavesUnitsFreeLetsTheNextWaiterAskAtOnce() {
        Node holder = w.node();
        Node node = countedNode();
        CompletableFuture<Permit> big = semaphore(holder, 3).acquireAsync(3, Duration.ZERO);
        w.scheduler.runReady();
        DefaultSemaphore pool = semaphore(node, 3);
        List<CompletableFuture<Permit>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(pool.acquireAsync(Duration.ofMinutes(5)));
        }
        w.scheduler.runFor(Duration.ofMillis(100).toNanos());
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        big.join().releaseAsync();
        w.scheduler.runFor(Duration.ofMillis(100).toNanos());

        assertThat(waiting).as("three units freed at once serve three waiters").allMatch(CompletableFuture::isDone);
    }
}
