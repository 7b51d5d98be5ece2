package io.warden.internal;

import io.lettuce.core.RedisConnectionException;
import io.warden.internal.LockStore.Acquired;
import io.warden.internal.LockStore.ForceReleased;
import io.warden.internal.LockStore.Foreign;
import io.warden.internal.LockStore.Granted;
import io.warden.internal.LockStore.Held;
import io.warden.internal.LockStore.Inspection;
import io.warden.internal.LockStore.Ownership;
import io.warden.internal.LockStore.Released;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The majority rule of a Redlock group of {@code size} nodes, and how the typed replies of its
 * nodes combine under it into the one answer {@link RedlockStore} gives. Pure: no I/O, no clock.
 */
final class Quorum {
    private final int size;
    private final int majority;

    Quorum(int size) {
        this.size = size;
        this.majority = size / 2 + 1;
    }

    int majority() {
        return majority;
    }

    // ---- acquire ---------------------------------------------------------------------------------

    int granted(Replies<Acquired> replies) {
        int granted = 0;
        for (Acquired reply : replies.ok()) {
            granted += reply instanceof Granted ? 1 : 0;
        }
        return granted;
    }

    /** Decided once a majority granted, or once the replies still missing cannot make one. */
    boolean acquireDecided(Replies<Acquired> replies) {
        int granted = granted(replies);
        return granted >= majority || granted + replies.pending() < majority;
    }

    /** The acquisition's fencing token: the highest any granting node minted or stored. */
    static long highestFence(Replies<Acquired> replies) {
        long fence = 0;
        for (Acquired reply : replies.ok()) {
            if (reply instanceof Granted granted) {
                fence = Math.max(fence, granted.fence());
            }
        }
        return fence;
    }

    /**
     * True when every granting node minted or stored the same token: their counters are all at least
     * it already. Only meaningful once a majority granted.
     */
    static boolean grantsAgree(Replies<Acquired> replies) {
        long seen = -1;
        for (Acquired reply : replies.ok()) {
            if (reply instanceof Granted granted) {
                if (seen >= 0 && granted.fence() != seen) {
                    return false;
                }
                seen = granted.fence();
            }
        }
        return seen >= 0;
    }

    /**
     * Why a majority did not grant: foreign data on any node first (an operator must act, waiting
     * will not help), else the holder with the least remaining time (the earliest moment a retry
     * can succeed; a key without TTL counts as the longest), else null: too few nodes answered.
     */
    static @Nullable Acquired refusal(Replies<Acquired> replies) {
        Held shortest = null;
        for (Acquired reply : replies.ok()) {
            if (reply instanceof Foreign) {
                return reply;
            }
            if (reply instanceof Held held && (shortest == null || remaining(held) < remaining(shortest))) {
                shortest = held;
            }
        }
        return shortest;
    }

    private static long remaining(Held held) {
        return held.pttlMillis() < 0 ? Long.MAX_VALUE : held.pttlMillis();
    }

    /** Nodes whose counter is now at least the fence: OWNED and GONE both raised it. */
    static int raised(Replies<Ownership> replies) {
        int raised = 0;
        for (Ownership reply : replies.ok()) {
            raised += reply != Ownership.FOREIGN ? 1 : 0;
        }
        return raised;
    }

    boolean raiseDecided(Replies<Ownership> replies) {
        int raised = raised(replies);
        return raised >= majority || raised + replies.pending() < majority;
    }

    // ---- renew -----------------------------------------------------------------------------------

    /** Decided once a majority answered and no key's majority still depends on a missing reply. */
    boolean renewDecided(Replies<List<Ownership>> replies, int keys) {
        if (replies.ok().size() < majority) {
            return false;
        }
        for (int i = 0; i < keys; i++) {
            int owned = owned(replies.ok(), i);
            if (owned < majority && owned + replies.pending() >= majority) {
                return false;
            }
        }
        return true;
    }

    /** Per key: OWNED when a majority renewed it, else FOREIGN, OTHER_OWNER or GONE, first seen. */
    List<Ownership> renewals(List<List<Ownership>> replies, int keys) {
        List<Ownership> merged = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            if (owned(replies, i) >= majority) {
                merged.add(Ownership.OWNED);
                continue;
            }
            List<Ownership> seen = new ArrayList<>();
            for (List<Ownership> node : replies) {
                seen.add(node.get(i));
            }
            merged.add(
                    seen.contains(Ownership.FOREIGN)
                            ? Ownership.FOREIGN
                            : seen.contains(Ownership.OTHER_OWNER) ? Ownership.OTHER_OWNER : Ownership.GONE);
        }
        return merged;
    }

    private static int owned(List<List<Ownership>> replies, int key) {
        int owned = 0;
        for (List<Ownership> node : replies) {
            owned += node.get(key) == Ownership.OWNED ? 1 : 0;
        }
        return owned;
    }

    // ---- release, inspect, force release ---------------------------------------------------------

    /**
     * A release whose outcome is unknown: fewer than a majority of nodes answered, so a majority may
     * still hold the key until its TTL. Null when a majority answered.
     */
    @Nullable
    RedisConnectionException releaseUnknown(Replies<Released> replies) {
        return replies.ok().size() >= majority
                ? null
                : failure(
                        "only " + replies.ok().size() + " of " + size
                                + " Redlock nodes answered the release; the others may hold the lock until it expires",
                        replies);
    }

    /** RELEASED if any node released, else KEPT, FOREIGN, OTHER_OWNER, GONE: the first seen. */
    static Released release(List<Released> replies) {
        for (Released preferred : List.of(Released.RELEASED, Released.KEPT, Released.FOREIGN, Released.OTHER_OWNER)) {
            if (replies.contains(preferred)) {
                return preferred;
            }
        }
        return Released.GONE;
    }

    /**
     * HELD (with the shortest remaining time, the safe one to show) when a majority holds it, else
     * FOREIGN if any node has foreign data, else FREE; the last issued token is the highest counter,
     * and the counter is foreign if it is on any node.
     */
    Inspection inspection(List<Inspection> replies) {
        long highest = -1;
        Inspection held = null;
        int heldCount = 0;
        Inspection foreign = null;
        boolean counterForeign = false;
        for (Inspection reply : replies) {
            counterForeign |= reply.counterForeign();
            if (reply.lastIssued().isPresent()) {
                highest = Math.max(highest, reply.lastIssued().getAsLong());
            }
            switch (reply.state()) {
                case HELD -> {
                    heldCount++;
                    if (held == null || reply.pttlMillis() < held.pttlMillis()) {
                        held = reply;
                    }
                }
                case FOREIGN -> foreign = reply;
                case FREE -> {}
            }
        }
        OptionalLong lastIssued = highest < 0 ? OptionalLong.empty() : OptionalLong.of(highest);
        Inspection chosen = heldCount >= majority ? held : foreign;
        return chosen == null
                ? new Inspection(Inspection.State.FREE, -2, null, lastIssued, counterForeign)
                : new Inspection(chosen.state(), chosen.pttlMillis(), chosen.holder(), lastIssued, counterForeign);
    }

    /** RELEASED (naming the holder removed) if any node deleted it, else FOREIGN if any, else GONE. */
    static ForceReleased forceRelease(List<ForceReleased> replies) {
        ForceReleased answer = new ForceReleased(Released.GONE, null);
        for (ForceReleased reply : replies) {
            if (reply.outcome() == Released.RELEASED) {
                return reply;
            }
            if (reply.outcome() == Released.FOREIGN) {
                answer = reply;
            }
        }
        return answer;
    }

    /** The failure of an operation that needs a majority and heard from fewer nodes. */
    RedisConnectionException tooFewNodes(Replies<?> replies) {
        return failure(
                "only " + replies.ok().size() + " of " + size + " Redlock nodes answered; a majority (" + majority
                        + ") is needed",
                replies);
    }

    /** The failure of an operation that needs any one node and heard from none. */
    RedisConnectionException noneAnswered(Replies<?> replies) {
        return failure("none of the " + size + " Redlock nodes answered", replies);
    }

    private static RedisConnectionException failure(String message, Replies<?> replies) {
        Throwable first = replies.errors().isEmpty() ? null : replies.errors().get(0);
        return new RedisConnectionException(message + (first == null ? "" : ": " + Failures.rootMessage(first)), first);
    }
}
