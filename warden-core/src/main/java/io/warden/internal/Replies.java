package io.warden.internal;

import io.lettuce.core.RedisException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The replies of a Redlock fan-out so far: the successful ones, the failures, and how many nodes
 * have not answered yet. Immutable; {@link Collector} builds successive snapshots.
 */
record Replies<R>(List<R> ok, List<Throwable> errors, int pending) {

    /** The first failure saying a key holds data Warden did not write, if any. */
    RedisException foreignError() {
        for (Throwable error : errors) {
            if (error instanceof RedisException redis
                    && error.getMessage() != null
                    && error.getMessage().contains("WARDEN_FOREIGN")) {
                return redis;
            }
        }
        return null;
    }

    /** Records replies as they arrive, from any thread. */
    static final class Collector<R> {
        private final List<R> ok = new ArrayList<>();
        private final List<Throwable> errors = new ArrayList<>();
        private int pending;

        Collector(int expected) {
            this.pending = expected;
        }

        synchronized Replies<R> record(R reply, Throwable error) {
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
