package io.warden.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** Runs the same loop on several platform threads, started together, and waits for all of them. */
final class Workers {
    private Workers() {}

    /** The body of one worker thread. */
    @FunctionalInterface
    interface Body {
        void run(int index) throws Exception;
    }

    /** Runs {@code body} on {@code count} threads and rethrows the first failure, if any. */
    static void run(String name, int count, Body body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            Thread thread = new Thread(
                    () -> {
                        try {
                            start.await();
                            body.run(index);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    },
                    name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        Throwable first = failure.get();
        if (first != null) {
            throw new IllegalStateException(name + " worker failed: " + first, first);
        }
    }
}
