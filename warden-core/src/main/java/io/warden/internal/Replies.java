package io.warden.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The replies of a Redlock fan-out so far: the successful ones (in arrival order), the failures,
 * and how many nodes have not answered yet. Immutable; {@link Collector} builds successive
 * snapshots, so a decision taken on one snapshot is never changed by a later reply.
 */
record Replies<R>(List<R> ok, List<Throwable> errors, int pending) {

    /**
     * Completes with the replies so far once {@code decided} says they suffice, or once every call
     * answered or failed (each is bounded by the command timeout; a down node fails at once).
     * Later replies are ignored.
     */
    static <R> CompletableFuture<Replies<R>> collect(List<CompletableFuture<R>> calls, Predicate<Replies<R>> decided) {
        Collector<R> collector = new Collector<>(calls.size());
        CompletableFuture<Replies<R>> done = new CompletableFuture<>();
        for (CompletableFuture<R> call : calls) {
            call.whenComplete((value, error) -> {
                Replies<R> snapshot = collector.record(value, error == null ? null : Failures.unwrap(error));
                if (snapshot.pending() == 0 || decided.test(snapshot)) {
                    done.complete(snapshot);
                }
            });
        }
        return done;
    }

    /** Whether every node answered or failed. */
    boolean allAnswered() {
        return pending == 0;
    }

    /** Records replies as they arrive, from any thread. */
    private static final class Collector<R> {
        private final List<R> ok = new ArrayList<>();
        private final List<Throwable> errors = new ArrayList<>();
        private int pending;

        Collector(int expected) {
            this.pending = expected;
        }

        synchronized Replies<R> record(@Nullable R reply, @Nullable Throwable error) {
            pending--;
            if (error != null) {
                errors.add(error);
            } else {
                ok.add(reply);
            }
            // Not List.copyOf: a reply may be null (subscriptions complete with no value).
            return new Replies<>(Collections.unmodifiableList(new ArrayList<>(ok)), List.copyOf(errors), pending);
        }
    }
}
