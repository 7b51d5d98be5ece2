package io.warden.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Threads that take one lock in turn as fast as they can until a deadline, recording each holding and
 * checking exclusion locally: an occupancy counter that must be 1 while held, and a plain counter
 * incremented under the lock that must not lose updates. Shared by S3 (threads of this JVM) and S4
 * (threads of each child JVM).
 */
final class Contender {
    private final LockClient client;
    private final String lockName;
    private final String ownerPrefix;
    private final AtomicInteger occupancy = new AtomicInteger();
    private final LongAdder violations = new LongAdder();
    private long unguardedCounter;

    Contender(LockClient client, String lockName, String ownerPrefix) {
        this.client = client;
        this.lockName = lockName;
        this.ownerPrefix = ownerPrefix;
    }

    /** Runs {@code threads} contenders until {@code end} (a nanoTime); returns every holding. */
    List<Contention.Holding> run(int threads, long end) throws InterruptedException {
        ConcurrentLinkedQueue<List<Contention.Holding>> all = new ConcurrentLinkedQueue<>();
        Workers.run("contender", threads, index -> {
            List<Contention.Holding> mine = new ArrayList<>();
            String owner = ownerPrefix + index;
            for (long requested = System.nanoTime(); requested - end < 0; requested = System.nanoTime()) {
                LockClient.Held held = client.acquire(lockName);
                long acquired = System.nanoTime();
                if (occupancy.incrementAndGet() != 1) {
                    violations.increment();
                }
                unguardedCounter++;
                occupancy.decrementAndGet();
                long released = System.nanoTime();
                held.release();
                mine.add(new Contention.Holding(owner, requested, acquired, released));
            }
            all.add(mine);
        });
        List<Contention.Holding> holdings = new ArrayList<>();
        all.forEach(holdings::addAll);
        return holdings;
    }

    List<String> owners(int threads) {
        List<String> owners = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            owners.add(ownerPrefix + i);
        }
        return owners;
    }

    /** Times a second holder was seen inside the critical section. */
    long occupancyViolations() {
        return violations.sum();
    }

    /** Increments lost: total holdings minus the counter (0 when exclusion held). */
    long lostUpdates(long holdings) {
        return holdings - unguardedCounter;
    }

    static List<Contention.Holding> startedBefore(List<Contention.Holding> holdings, long end) {
        return holdings.stream().filter(h -> h.acquired() - end < 0).toList();
    }
}
