package io.warden.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Starts and stops the servers of a multi-server setup, all or none. */
final class Topology {

    private static final int MAX_PARALLEL_STARTS = 4;

    private Topology() {}

    /**
     * Calls {@code starter} with 0 to {@code count - 1} on a few threads at once and returns the servers in
     * that order. If any start fails, waits for the others, closes those that started and throws the first
     * failure with the rest suppressed: either every server runs afterwards or none does.
     */
    static List<RedisServer> startAll(int count, IntFunction<RedisServer> starter) {
        if (count < 0) {
            throw new IllegalArgumentException("count " + count);
        }
        if (count == 0) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, MAX_PARALLEL_STARTS), task -> {
            Thread thread = new Thread(task, "warden-testkit-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<RedisServer>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> starter.apply(index)));
            }
            List<RedisServer> started = new ArrayList<>();
            Throwable failure = null;
            boolean interrupted = false;
            for (Future<RedisServer> future : futures) {
                while (true) {
                    try {
                        started.add(future.get());
                        break;
                    } catch (InterruptedException e) {
                        // Keep waiting: a server started after we gave up would be left running.
                        interrupted = true;
                    } catch (ExecutionException e) {
                        failure = addFailure(failure, e.getCause());
                        break;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                failure = addFailure(failure, new IllegalStateException("interrupted while starting servers"));
            }
            if (failure != null) {
                try {
                    closeAll(started);
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
                throw rethrowable(failure);
            }
            return List.copyOf(started);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Closes every server, even if closing one fails; then throws the first failure, the rest suppressed. */
    static void closeAll(List<RedisServer> servers) {
        RuntimeException failure = null;
        for (RedisServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Throwable addFailure(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static RuntimeException rethrowable(Throwable failure) {
        if (failure instanceof RuntimeException) {
            return (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        return new IllegalStateException("cannot start servers", failure);
    }
}
