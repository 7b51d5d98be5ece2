package io.warden;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Threads taking and releasing locks in a loop, counting completed pairs, failures, and overlaps:
 * moments when two of them believed they held the same lock.
 */
final class LockLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong pairs = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong overlaps = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicInteger> inside = new ConcurrentHashMap<>();

    /** Four threads over {@code names} lock names "load-0"... */
    LockLoad(Warden warden, int names) {
        this(warden, IntStream.range(0, names).mapToObj(i -> "load-" + i).toArray(String[]::new));
    }

    LockLoad(Warden warden, String... names) {
        for (int t = 0; t < 4; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                int i = offset;
                while (running.get()) {
                    String name = names[i++ % names.length];
                    try (Lease lease = warden.lock(name).acquire(Duration.ofSeconds(3))) {
                        var counter = inside.computeIfAbsent(name, n -> new AtomicInteger());
                        if (counter.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.sleep(2);
                        counter.decrementAndGet();
                        pairs.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    } catch (WardenException e) {
                        errors.incrementAndGet();
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    long pairs() {
        return pairs.get();
    }

    long errors() {
        return errors.get();
    }

    long overlaps() {
        return overlaps.get();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
