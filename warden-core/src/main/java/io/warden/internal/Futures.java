package io.warden.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Blocking waits on futures, for the synchronous API. */
final class Futures {
    private Futures() {}

    /**
     * Waits for {@code future} even if the thread is interrupted (the flag is restored afterwards),
     * and rethrows its failure unwrapped. Only for futures bounded by a command timeout.
     */
    static <T> T awaitUninterruptibly(CompletableFuture<T> future) {
        BlockingGuard.check();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for {@code future} without being interrupted, as {@link #awaitUninterruptibly}, but a
     * failure of type {@code refusal} is returned instead of thrown: an expected refusal (a lock held
     * elsewhere) then costs no {@link ExecutionException} and no stack walk on the caller's thread.
     * Any other failure is thrown as {@link #rethrow} does.
     */
    static Object awaitOrRefusal(CompletableFuture<?> future, Class<? extends Throwable> refusal) {
        Object outcome =
                awaitUninterruptibly(future.handle((value, error) -> error == null ? value : Failures.unwrap(error)));
        if (outcome instanceof Throwable failure && !refusal.isInstance(failure)) {
            throw rethrow(failure);
        }
        return outcome;
    }

    /**
     * Runs {@code action} when {@code future} completes, as {@code whenComplete} does, but through a
     * stage that never fails. The stage {@code whenComplete} returns fails with a
     * {@link java.util.concurrent.CompletionException} around the failure, whose constructor reads the
     * failure's message and walks the completing thread's stack: on every refused attempt, for a
     * stage nobody reads.
     */
    static <T> void onCompletion(
            CompletableFuture<T> future, java.util.function.BiConsumer<? super T, ? super Throwable> action) {
        future.handle((value, error) -> {
            action.accept(value, error);
            return null;
        });
    }

    /** Waits for {@code future}; failures are rethrown unwrapped. */
    static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        BlockingGuard.check();
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    /**
     * The failure to throw to the waiting caller, unwrapped from any {@link ExecutionException} or
     * {@link java.util.concurrent.CompletionException}. A Warden exception completed on another thread
     * gets the caller's stack, so that it points at the caller's code; what happened on the I/O
     * thread stays in its cause.
     */
    static RuntimeException rethrow(Throwable failure) {
        Throwable cause = Failures.unwrap(failure);
        if (cause instanceof io.warden.WardenException warden) {
            warden.fillInStackTrace();
            return warden;
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }
}
