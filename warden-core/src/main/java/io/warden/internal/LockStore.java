package io.warden.internal;

import io.warden.FencingTokens;
import io.warden.HolderInfo;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The lease protocol as Redis serves it: one method per operation, each with a typed outcome. This
 * is the only way the engine talks to a store; {@link ScriptStore} serves a standalone server,
 * Sentinel and Cluster with one Lua script per operation, the Redlock store combines several by
 * quorum, and the simulation's in-memory store stands in for Redis on a fake clock.
 *
 * <p>Every write is owner-checked and safe to repeat with the same owner token: a repeated acquire
 * finds its own grant, a repeated renewal renews again, and a repeated release finds the key gone.
 * Futures fail with the client library's exceptions (callers translate them with {@link
 * Failures}); a failed future means the outcome is unknown: the command may have run.
 *
 * <p>All methods are non-blocking and thread-safe.
 */
interface LockStore extends AutoCloseable {

    /** The endpoint, for error messages. */
    String address();

    /**
     * Takes the lock for {@code token} with a TTL of {@code ttlMillis} if it is free, or if it
     * already holds {@code token} (a repeated command): then the TTL is set again and the stored
     * fencing token returned.
     *
     * @param waits whether the caller will wait if the lock is held: only then is the holder's
     *     remaining TTL read ({@link Held#pttlMillis()} is {@link Held#TTL_NOT_READ} otherwise), and
     *     the holder's key marked as waited for, so that its release is not handed on to a waiter of
     *     the holder's own process ({@link #releaseTo})
     */
    CompletableFuture<Acquired> acquire(LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits);

    /** {@link #acquire(LockKeys, String, long, Stamp, boolean)} for a caller that waits. */
    default CompletableFuture<Acquired> acquire(LockKeys keys, String token, long ttlMillis, Stamp stamp) {
        return acquire(keys, token, ttlMillis, stamp, true);
    }

    /**
     * Fair locks: takes the lock for {@code token} if it is free and {@code ticket} is the head of
     * its queue (or if it already holds {@code token}); otherwise queues the ticket at the tail, or
     * keeps its place and sets its lease again, and answers {@link Queued}. Dead tickets at the head
     * are removed. Safe to repeat with the same token and ticket.
     */
    CompletableFuture<Acquired> acquireFair(LockKeys keys, Ticket ticket, String token, long ttlMillis, Stamp stamp);

    /**
     * Fair locks: removes a waiter's ticket, owner-checked, and if the lock is free wakes the next
     * ticket's waiter. Safe to repeat: a ticket already gone answers {@link Released#GONE}.
     */
    CompletableFuture<Released> leaveQueue(LockKeys keys, Ticket ticket, String token);

    /** Sets each key's TTL, owner-checked; one outcome per request, in order. One renewal group. */
    CompletableFuture<List<Ownership>> renew(List<Renewal> batch);

    /**
     * Ends a lease, owner-checked: deletes the key and announces it to waiters, or with {@code
     * keepMillis > 0} keeps it that much longer (lockAtLeastFor). {@code announce} false stays
     * silent (a grant given back before anyone used it, which woke nobody). A release that the
     * client may have resent after a reconnect, and that then finds the key gone or held by another
     * owner, reports {@link Released#RELEASED}: its first run is the likeliest to have deleted it
     * (and another owner may have taken the lock before the resend ran). For a {@linkplain
     * LockKeys#fair() fair} lock the announcement wakes only the waiter of the head ticket.
     */
    CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce);

    /**
     * Whether {@link #releaseTo} serves {@code keys}: a plain lock (not fair, not read-write) on a
     * store that runs it as one step. Callers that get false release and acquire separately.
     */
    default boolean handsOff(LockKeys keys) {
        return false;
    }

    /**
     * Releases {@code token}'s lease, owner-checked, and acquires for {@code next} in the same
     * atomic step: a local hand-off in one round trip instead of two. If {@code token} held the lock,
     * it passes straight to {@code next} (a new fencing token minted, its TTL set) and no release is
     * announced: the lock never became free. If the key already holds {@code next.token()} (the
     * command resent after its first run), that grant is answered again. Otherwise the release part
     * reports why it released nothing, and {@code next} is treated exactly as {@link #acquire} treats
     * a waiting caller (free: granted; held: {@link Held} with the holder). If a waiting caller was
     * refused while {@code token} held the lock ({@link #acquire} with {@code waits} marks the
     * holder's key), the lease is released as {@link #release} does (announced) and the acquire part
     * is {@link Freed}: no hand-off past a waiter elsewhere. If the fencing counter
     * holds foreign data, the lease is released as {@link #release} does (announced) and the
     * acquire part is {@link Foreign}. Never keeps the key (no lockAtLeastFor); only for keys
     * {@link #handsOff} accepts. A failed future means both outcomes are unknown.
     */
    default CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("hand-off is not supported on " + address()));
    }

    /** A lock's state for operators; changes nothing. */
    CompletableFuture<Inspection> inspect(LockKeys keys);

    /** Deletes a Warden lock whoever holds it, and wakes waiters; never touches foreign data. */
    CompletableFuture<ForceReleased> forceRelease(LockKeys keys);

    // ---- semaphores (permit keys are renewed by renew(), like lock keys) --------------------------

    /**
     * Takes {@code request.units()} permits of a semaphore as one lease keyed {@code
     * keys.permit(token)}, if enough are free after dropping holders whose permit key expired. Safe
     * to repeat: a permit key that already holds {@code token} is this acquisition's own grant.
     */
    CompletableFuture<PermitAcquired> acquirePermit(
            SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp);

    /**
     * Gives a permit back, owner-checked: deletes its key, frees its units and announces it (unless
     * {@code announce} is false), or with {@code keepMillis > 0} keeps it that much longer. Safe to
     * repeat: a repeat finds the key gone and frees nothing twice.
     */
    CompletableFuture<Released> releasePermit(
            SemaphoreKeys keys, String token, int units, long keepMillis, boolean announce);

    /** A semaphore's stored limit and live holders, for operators; changes nothing. */
    CompletableFuture<SemaphoreInspection> inspectSemaphore(SemaphoreKeys keys);

    /**
     * Deletes every permit of a semaphore whoever holds it (keeping its limit) and wakes waiters;
     * completes with the number of permits removed, or -1 if a key holds data Warden did not write
     * (nothing changed).
     */
    CompletableFuture<Integer> forceReleaseSemaphore(SemaphoreKeys keys);

    /**
     * A read-write lock's state for operators ({@code keys} from {@link KeySpace#readWriteKeys});
     * changes nothing. Only stores that serve read-write locks support it.
     */
    default CompletableFuture<ReadWriteInspection> inspectReadWrite(LockKeys keys) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("read-write locks are not supported on " + address()));
    }

    /**
     * Deletes a read-write lock's writer, readers and waiting writer's marker whoever holds them, and
     * wakes waiters; deletes nothing if any of its keys holds foreign data. Replies with the state
     * just before.
     */
    default CompletableFuture<ReadWriteInspection> forceReleaseReadWrite(LockKeys keys) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("read-write locks are not supported on " + address()));
    }

    /**
     * Groups keys whose renewals may share one {@link #renew} call: any keys on a standalone
     * server, one hash slot on a Cluster.
     */
    int renewalGroup(String lockKey);

    /** Sets the one listener told (with the channel name) of every release message. */
    void onReleaseMessage(Consumer<String> listener);

    /** Subscribes to a release channel; completes when the server confirmed. */
    CompletableFuture<Void> subscribe(String channel);

    /** Unsubscribes from a release channel. */
    CompletableFuture<Void> unsubscribe(String channel);

    /** Keys matching {@code pattern}, by SCAN; may contain duplicates on a changing keyspace. */
    CompletableFuture<List<String>> scan(String pattern);

    @Override
    void close();

    // ---- requests ------------------------------------------------------------------------------

    /**
     * What an acquisition records about its holder, for operators and skipped tasks.
     *
     * @param minting whether and how to mint a fencing token (with {@link Minting#NONE} the fence is
     *     0)
     * @param sinceMillis acquisition time on the holder's wall clock, for display only
     */
    record Stamp(String host, long pid, Minting minting, long sinceMillis) {
        boolean fencing() {
            return minting != Minting.NONE;
        }
    }

    /**
     * How an acquisition of a free lock mints its fencing token. Both store the token minted in the
     * counter, so switching between them never makes tokens go back.
     */
    enum Minting {
        /** No token (the fence is 0); the counter is left alone. */
        NONE,
        /** The counter plus one. */
        COUNTER,
        /**
         * The larger of the counter plus one and the server's clock in microseconds since the epoch:
         * a counter the server lost (restart without persistence, failover) starts again above
         * every token minted before, as long as the servers' clocks agree to within the outage.
         */
        CLOCK_FLOORED;

        static Minting of(boolean fencing, FencingTokens tokens) {
            if (!fencing) {
                return NONE;
            }
            return tokens == FencingTokens.COUNTER ? COUNTER : CLOCK_FLOORED;
        }
    }

    /**
     * A waiter's place in a fair lock's queue.
     *
     * @param id unguessable and stable for one acquisition (its member in the queue)
     * @param ttlMillis the ticket's lease: how long it outlives its waiter's last call
     */
    record Ticket(String id, long ttlMillis) {}

    /**
     * The next local waiter's acquire, carried by its predecessor's {@link #releaseTo}.
     *
     * @param token the waiter's owner token for this attempt
     * @param ttlMillis the lease asked for
     * @param stamp the waiter's holder record and minting mode
     */
    record Successor(String token, long ttlMillis, Stamp stamp) {}

    /** One lease's part of a renewal batch. */
    record Renewal(String lockKey, String token, long ttlMillis) {}

    // ---- outcomes ------------------------------------------------------------------------------

    /** The outcome of {@link #acquire}. */
    sealed interface Acquired {}

    /** The lock is ours (now, or already by an earlier run of the same command). */
    record Granted(long fence) implements Acquired {}

    /**
     * Another owner holds it.
     *
     * @param pttlMillis its remaining TTL, -1 if the key has none, or {@link #TTL_NOT_READ}
     * @param holder who holds it, if recorded
     */
    record Held(long pttlMillis, @Nullable HolderInfo holder) implements Acquired {
        /** The caller said it would not wait, so the TTL was not read. */
        static final long TTL_NOT_READ = -3;
    }

    /**
     * A fair lock: not this ticket's turn. The ticket is queued and its lease set again.
     *
     * @param ahead live or not-yet-removed tickets before this one (0: this ticket is the head)
     * @param pttlMillis the holder's remaining TTL (-1 without one), or -2 if the lock is free and a
     *     ticket ahead is about to take it
     * @param holder who holds it, if held and recorded
     */
    record Queued(long ahead, long pttlMillis, @Nullable HolderInfo holder) implements Acquired {}

    /**
     * {@link #releaseTo} only: the successor was not granted, because a caller elsewhere was refused
     * while waiting during the released lease. The lock was freed and announced instead, as {@link
     * #release} does, so that the local waiter and the others try again on equal terms: a process
     * whose threads pass the lock among themselves does not keep it from other processes.
     */
    record Freed() implements Acquired {}

    /** {@code key} holds data Warden did not write, of Redis type {@code type}: nothing was changed. */
    record Foreign(String key, String type) implements Acquired, PermitAcquired {}

    /**
     * The outcome of {@link #releaseTo}: the releaser's part, as {@link #release} reports it, and
     * the successor's, as {@link #acquire} reports it.
     */
    record HandedOff(Released released, Acquired acquired) {}

    /** The outcome of a renewal for one key; only {@link #OWNED} touched the key. */
    enum Ownership {
        /** The key held our token; its TTL is set. */
        OWNED,
        /** No such key (expired or deleted). */
        GONE,
        /** Another owner holds the lock. */
        OTHER_OWNER,
        /** The key holds data Warden did not write. */
        FOREIGN
    }

    /** The outcome of {@link #release}; only {@link #RELEASED} and {@link #KEPT} touched the key. */
    enum Released {
        RELEASED,
        /** Kept for the requested time (lockAtLeastFor). */
        KEPT,
        GONE,
        OTHER_OWNER,
        FOREIGN
    }

    /**
     * A lock's state.
     *
     * @param state free, held or foreign (of the lock key)
     * @param pttlMillis remaining TTL when held or foreign (-1 without a TTL)
     * @param holder the recorded holder when held
     * @param lastIssued the last fencing token minted for this name, if any (empty as well when the
     *     counter holds something other than an integer)
     * @param counterForeign whether the fencing counter holds data Warden did not write (another
     *     type, or a string that is not an integer): acquiring with fencing would fail
     * @param queued live tickets in the lock's fair queue (0 for a lock never acquired fairly)
     * @param next the waiter of the head ticket, when {@code queued > 0} (its host and pid)
     */
    record Inspection(
            State state,
            long pttlMillis,
            @Nullable HolderInfo holder,
            OptionalLong lastIssued,
            boolean counterForeign,
            long queued,
            @Nullable HolderInfo next) {
        enum State {
            FREE,
            HELD,
            FOREIGN
        }

        /** A state whose fencing counter is Warden's own (or absent), without a fair queue. */
        Inspection(State state, long pttlMillis, @Nullable HolderInfo holder, OptionalLong lastIssued) {
            this(state, pttlMillis, holder, lastIssued, false);
        }

        /** A state without a fair queue. */
        Inspection(
                State state,
                long pttlMillis,
                @Nullable HolderInfo holder,
                OptionalLong lastIssued,
                boolean counterForeign) {
            this(state, pttlMillis, holder, lastIssued, counterForeign, 0, null);
        }
    }

    /**
     * A read-write lock's state.
     *
     * @param foreignKey a key of the lock holding data Warden did not write, or null
     * @param writer the writer's lease, or null
     * @param readers the live readers' leases
     * @param waitingWriter a waiting writer's marker, or null
     * @param lastIssued the last fencing token minted for the name, if the counter holds one
     * @param waitingReaders live registrations of readers waiting behind a waiting writer
     * @param admittedReaders live registrations of readers admitted to the next read phase, which
     *     enter before the next writer
     */
    record ReadWriteInspection(
            @Nullable String foreignKey,
            @Nullable Share writer,
            List<Share> readers,
            @Nullable Share waitingWriter,
            OptionalLong lastIssued,
            int waitingReaders,
            int admittedReaders) {
        /** One lease or marker: its holder if recorded, its PTTL (-1 without a TTL). */
        record Share(@Nullable HolderInfo holder, long pttlMillis) {}
    }

    /**
     * The outcome of {@link #forceRelease}.
     *
     * @param removed when {@code outcome} is {@link Released#RELEASED}: the lock as it was just before
     *     its deletion (holder, TTL, counter), which may name no holder if its key had none
     */
    record ForceReleased(Released outcome, @Nullable Inspection removed) {}

    // ---- semaphore requests and outcomes ---------------------------------------------------------

    /**
     * What a permit acquisition asks for.
     *
     * @param units permits wanted, 1 to {@code limit}
     * @param limit the caller's total number of permits
     * @param resize whether to store {@code limit} when the stored limit differs (else that is refused)
     */
    record PermitRequest(int units, int limit, boolean resize) {}

    /** The outcome of {@link #acquirePermit}. */
    sealed interface PermitAcquired {}

    /**
     * The permits are ours; {@code limit} is the semaphore's limit now, {@code free} the units this
     * grant left free (-1 if unknown: a repeated command found its earlier run's grant).
     */
    record PermitGranted(long fence, int limit, int free) implements PermitAcquired {}

    /**
     * Not enough permits are free.
     *
     * @param retryMillis time until the earliest recorded expiry of a holder, when one may be freed
     */
    record NoPermit(long retryMillis, int used, int limit) implements PermitAcquired {}

    /** The semaphore's stored limit is {@code stored}, not the one asked for: nothing was changed. */
    record LimitMismatch(int stored) implements PermitAcquired {}

    /**
     * A semaphore's state.
     *
     * @param foreignKey the key that holds data Warden did not write (its state hash or holders
     *     zset), or null
     * @param limit the stored limit, or -1 if none is stored
     * @param holders the live permits, in order of recorded expiry
     * @param lastIssued the last fencing token minted for its permits, if any
     */
    record SemaphoreInspection(
            @Nullable String foreignKey, int limit, List<PermitHolder> holders, OptionalLong lastIssued) {
        /** Whether one of its keys holds data Warden did not write. */
        boolean foreign() {
            return foreignKey != null;
        }
    }

    /** One live permit: its units, its key's remaining TTL, and who holds it. */
    record PermitHolder(
            int units, long pttlMillis, @Nullable HolderInfo holder) {}
}
