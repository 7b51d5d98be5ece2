package io.warden.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The production {@link Scheduler}: one daemon thread, cancelled tasks removed at once. */
final class ExecutorScheduler implements Scheduler {
    private final ScheduledThreadPoolExecutor executor;

    ExecutorScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, Threads.daemon(threadName));
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        try {
            ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            return () -> {};
        }
    }

    void shutdown() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
