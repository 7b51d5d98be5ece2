package io.warden.internal;

import io.warden.HolderInfo;
import io.warden.LeaseLostEvent;
import io.warden.LeaseNotHeldException;
import io.warden.LossCause;
import io.warden.WardenException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acquired lease, shared by its re-entrant handles: its identity (owner token, fencing token),
 * its {@link LeaseMachine}, and the commands that move it (renew replies, extend, release). A loss
 * is told through its {@link LossSignal}, made when first needed.
 *
 * <p>Threads: the machine is read and moved under this object's monitor; Redis commands, listener
 * dispatch and hand-off to the next local waiter happen outside it. Reply handlers run on the
 * store's threads (Lettuce's event loop) and never block: releases and give-backs are asynchronous
 * all the way, and only the blocking API methods ({@link #release}, {@link #extend}) wait, on the
 * caller's thread.
 */
final class LeaseState {
    private static final Logger log = LoggerFactory.getLogger(LeaseState.class);

    private final Wiring wiring;
    private final Surroundings surroundings;
    private final LockKeys keys;
    private final Object owner;
    /** The owner token's 128 bits (see {@link OwnerTokens}): formatted when sent, not kept as a 72 B string. */
    private final long tokenHigh;

    private final long tokenLow;
    private final long fence;
    private final long acquiredAt;
    private final LeaseMachine machine;
    /** Made on first use, under this monitor: most leases never have a listener, a future asked for, or a loss. */
    private @Nullable LossSignal loss;

    /** This lease's place in its {@link Watchdog}, or -1 while not tracked; guarded by the watchdog. */
    int watchdogSlot = -1;

    LeaseState(
            Wiring wiring,
            LockKeys keys,
            Surroundings surroundings,
            Object owner,
            String token,
            long fence,
            long sentAt,
            long ttlNanos,
            LeaseSpec spec) {
        this.wiring = wiring;
        this.surroundings = surroundings;
        this.keys = keys;
        this.owner = owner;
        this.tokenHigh = OwnerTokens.high(token);
        this.tokenLow = OwnerTokens.low(token);
        this.fence = fence;
        this.acquiredAt = sentAt;
        this.machine = new LeaseMachine(spec, sentAt, ttlNanos); // the terms live there, read through machine.spec()
    }

    Object owner() {
        return owner;
    }

    /** The owner token as sent: a new string on each call. */
    String token() {
        return OwnerTokens.format(tokenHigh, tokenLow);
    }

    long fence() {
        return fence;
    }

    LockKeys keys() {
        return keys;
    }

    String name() {
        return keys.name();
    }

    /** This lease as other waiters of this process see its holder. */
    HolderInfo describe() {
        Instant since = Instant.now().minusNanos(wiring.ticker().nanos() - acquiredAt);
        return new HolderInfo(wiring.identity().host(), wiring.identity().pid(), since, fence);
    }

    synchronized boolean reenter() {
        return machine.reenter(wiring.ticker().nanos());
    }

    synchronized boolean isHeld() {
        return machine.isHeld(wiring.ticker().nanos());
    }

    /** Held at {@code now} and not yet at its loss deadline: a fresh grant worth handing out. */
    synchronized boolean usableAt(long now) {
        return machine.isHeld(now) && machine.deadlinePassed(now) == null;
    }

    synchronized Duration remaining() {
        return Duration.ofNanos(machine.remainingNanos(wiring.ticker().nanos()));
    }

    synchronized boolean isWatched() {
        return machine.isWatched();
    }

    /** Whether this lease, while held, listens on its lock's release channel for a forced unlock. */
    boolean listensForRelease() {
        return wiring.settings().noticeForcedUnlock() && isWatched();
    }

    synchronized LeaseMachine.Phase phase() {
        return machine.phase();
    }

    @Nullable
    LeaseLostEvent lostEvent() {
        LossSignal signal;
        synchronized (this) {
            signal = loss;
        }
        return signal == null ? null : signal.event();
    }

    CompletableFuture<LeaseLostEvent> lostFuture() {
        return loss().future();
    }

    /** Registers a loss listener; the returned action unregisters it (guarded calls clean up). */
    Runnable onLost(Consumer<LeaseLostEvent> listener) {
        return loss().listen(listener);
    }

    int listenerCount() {
        LossSignal signal;
        synchronized (this) {
            signal = loss;
        }
        return signal == null ? 0 : signal.listenerCount();
    }

    private synchronized LossSignal loss() {
        if (loss == null) {
            loss = new LossSignal(wiring, keys.name());
        }
        return loss;
    }

    /** The owner-checked release of this lease: the lock's, or the one it was given. */
    /**
     * Released by the lock's own release (not a permit's), on a store that can hand the lock to the
     * next local waiter in the same call: asked at release, not kept per lease.
     */
    private boolean mayHandOff() {
        return surroundings.releaser() == null && wiring.store().handsOff(keys);
    }

    private CompletableFuture<LockStore.Released> sendRelease(long keepMillis) {
        Releaser releaser = surroundings.releaser();
        return releaser != null
                ? releaser.release(token(), keepMillis, true)
                : wiring.store().release(keys, token(), keepMillis, true);
    }

    // ---- watchdog side -------------------------------------------------------------------------

    /**
     * The watchdog's look at this lease at {@code now}, under one monitor: declares it lost if its
     * deadline has come, else marks a renewal due now (or soon enough to share this tick) in flight
     * and hands it to {@code due}. Returns when the lease next needs attention, or {@code
     * Long.MAX_VALUE}.
     */
    long watch(long now, DueRenewals due) {
        LossCause cause;
        long ttl = 0;
        long next;
        synchronized (this) {
            cause = machine.deadlinePassed(now);
            if (cause == null) {
                ttl = machine.renewalDue(now);
            }
            next = machine.nextEventAt();
        }
        if (cause != null) {
            declareLost(cause, deadlineDetail(cause));
            return Long.MAX_VALUE;
        }
        if (ttl != 0) {
            due.add(this, ttl);
        }
        return next;
    }

    synchronized long nextEventAt() {
        return machine.nextEventAt();
    }

    /** Declares the lease lost if its local deadline has come. */
    void checkDeadline(long now) {
        LossCause cause;
        synchronized (this) {
            cause = machine.deadlinePassed(now);
        }
        if (cause != null) {
            declareLost(cause, deadlineDetail(cause));
        }
    }

    private String deadlineDetail(LossCause cause) {
        return switch (cause) {
            case MAX_HOLD_REACHED ->
                "held for its maximum of " + Duration.ofNanos(machine.spec().maxHoldNanos());
            case EXPIRED -> "its lease ran out before release";
            default ->
                "no renewal confirmed in time; the key may expire on the server within "
                        + Duration.ofNanos(
                                LeaseSpec.lossLeadNanos(machine.spec().leaseNanos()));
        };
    }

    /**
     * The reply to a renewal of {@code ttlNanos} sent at {@code sentAt}. Returns when the lease next
     * needs attention ({@code Long.MAX_VALUE} once lost), read under the same monitor.
     */
    long renewalReplied(long sentAt, long ttlNanos, LockStore.Ownership outcome) {
        if (outcome == LockStore.Ownership.OWNED) {
            synchronized (this) {
                machine.renewed(sentAt, ttlNanos);
                return machine.nextEventAt();
            }
        }
        synchronized (this) {
            machine.renewalFailed(sentAt);
        }
        LossCause cause = Losses.cause(outcome);
        declareLost(cause, Losses.detail(cause, "renewal"));
        return Long.MAX_VALUE;
    }

    /**
     * A release was announced on this lock's channel while this lease is held here: a forced unlock
     * (or an older message arriving late). Checks ownership at once with one owner-checked renewal
     * sent by the watchdog, so a forced unlock is noticed within about a round trip rather than at
     * the next renewal. Called on the client's I/O thread: only hands over to the scheduler.
     */
    void releaseAnnounced() {
        wiring.scheduler().schedule(this::renewNow, 0);
    }

    private void renewNow() {
        long next;
        synchronized (this) {
            if (!machine.renewNow(wiring.ticker().nanos())) {
                return;
            }
            next = machine.nextEventAt();
        }
        log.debug("a release was announced for lock '{}', which is held here: checking it at once", keys.name());
        surroundings.nextEventAt(next);
    }

    /** The renewal's outcome is unknown: retry soon. Returns when the lease next needs attention. */
    long renewalFailed(Throwable error) {
        long next;
        synchronized (this) {
            machine.renewalFailed(wiring.ticker().nanos());
            next = machine.nextEventAt();
        }
        log.debug("renewal of lock '{}' failed, retrying: {}", keys.name(), Failures.rootMessage(error));
        return next;
    }

    // ---- holder side -------------------------------------------------------------------------

    /** Releases one hold and waits for Redis on the last one; see {@link #releaseAsync}. */
    void release(long keepNanos) {
        Futures.awaitUninterruptibly(releaseAsync(keepNanos));
    }

    /**
     * Releases one hold; the last one runs the owner-checked release ({@code keepNanos > 0} keeps the
     * key that much longer, never past the maximum hold: lockAtLeastFor, {@code release(keep)}).
     * Fails with {@link LeaseNotHeldException} if the lease had ended, or with a Redis error if the
     * outcome is unknown: the lease is then no longer held, the release may be retried, and
     * otherwise the key expires.
     */
    CompletableFuture<Void> releaseAsync(long keepNanos) {
        // A holder waking from a pause may release past its local deadline before the watchdog
        // noticed: Redis decides then (see LeaseMachine.beginRelease(long)).
        long now = wiring.ticker().nanos();
        LeaseMachine.ReleaseStep step;
        @Nullable LossCause cause;
        long keep;
        synchronized (this) {
            keep = machine.keepNanos(now, keepNanos);
            step = machine.beginRelease(now);
            cause = machine.lossCause();
        }
        @Nullable
        CompletableFuture<Void> withoutSending = switch (step) {
            case INNER_HOLD -> CompletableFuture.completedFuture(null);
            case ALREADY_RELEASED ->
                CompletableFuture.failedFuture(
                        notHeld(LeaseNotHeldException.Reason.ALREADY_RELEASED, "the lease was already released"));
            case SEND_AFTER_LOSS -> {
                giveBackQuietly();
                yield lostEarlier(cause);
            }
            case LOST -> lostEarlier(cause);
            case SEND -> null;
        };
        if (withoutSending != null) {
            return withoutSending;
        }
        long keepMillis = keep <= 0 ? 0 : LeaseSpec.toMillisCeil(keep);
        HandOff next = keepMillis == 0 && mayHandOff() ? surroundings.handOff(this) : null;
        CompletableFuture<@Nullable WardenException> replied = next != null
                ? releaseTo(next)
                : sendRelease(keepMillis).handle((outcome, error) -> {
                    if (error != null) {
                        return releaseUnknown(error);
                    }
                    return releaseReplied(outcome);
                });
        return replied.thenCompose(failure ->
                failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure));
    }

    /**
     * The release that also acquires for the next local waiter ({@link LockStore#releaseTo}). This
     * lease takes its part of the reply as a plain release's; the waiter takes its own as its
     * attempt's reply. No reply: this lease's release is unknown, as always, and the waiter looks
     * again with the same token.
     */
    private CompletableFuture<@Nullable WardenException> releaseTo(HandOff next) {
        return wiring.store().releaseTo(keys, token(), next.successor()).handle((reply, error) -> {
            WardenException failure;
            try {
                failure = error != null ? releaseUnknown(error) : releaseReplied(reply.released());
            } finally {
                next.replied(reply == null ? null : reply.acquired(), error);
            }
            return failure;
        });
    }

    private @Nullable WardenException releaseReplied(LockStore.Released outcome) {
        LeaseMachine.ReleaseVerdict verdict;
        synchronized (this) {
            verdict = machine.releaseReplied(outcome);
        }
        end();
        if (verdict.released()) {
            wiring.metrics().releases.increment();
            if (wiring.listeners().active()) {
                wiring.listeners().release(keys.name(), wiring.ticker().nanos() - acquiredAt);
            }
            if (log.isDebugEnabled()) {
                log.debug(
                        "released lock '{}' (fencing token {}){}",
                        keys.name(),
                        fence,
                        outcome == LockStore.Released.KEPT ? ", kept for its minimum hold" : "");
            }
            return null;
        }
        // Lost without anyone noticing until now: tell the listeners too, then the caller.
        LossCause cause = Objects.requireNonNull(verdict.cause(), "a release that did not release names its loss");
        String detail = Losses.detail(cause, "release");
        tellLoss(cause, detail);
        return notHeld(Losses.reason(cause), detail);
    }

    private WardenException releaseUnknown(Throwable error) {
        synchronized (this) {
            machine.releaseUnknown();
        }
        end(); // no longer held here: local waiters go on to Redis, which decides
        return Failures.translate(
                error,
                keys.name(),
                wiring.address(),
                "release (its outcome is unknown: the lease is no longer held, the release may be retried,"
                        + " and otherwise the key expires)");
    }

    private CompletableFuture<Void> lostEarlier(@Nullable LossCause cause) {
        LeaseLostEvent event = lostEvent();
        String detail = event != null ? event.cause() + ", " + event.detail() : String.valueOf(cause);
        return CompletableFuture.failedFuture(
                notHeld(LeaseNotHeldException.Reason.LOST, "it was lost earlier: " + detail));
    }

    /** Gives back a lease nobody will use (a withdrawn acquisition): drops one hold; never blocks. */
    void giveBack() {
        releaseAsync(0).whenComplete((ok, error) -> {
            if (error != null) {
                log.debug("giving back lock '{}' failed; it will expire: {}", keys.name(), Failures.rootMessage(error));
            }
        });
    }

    private void giveBackQuietly() {
        sendRelease(0).whenComplete((outcome, error) -> {
            if (error != null) {
                log.debug("release of lost lock '{}' failed; it expires: {}", keys.name(), Failures.rootMessage(error));
            }
        });
    }

    /** Sets the lease's TTL to {@code leaseNanos} from now, owner-checked; waits for Redis. */
    void extend(long leaseNanos) {
        Futures.awaitUninterruptibly(extendAsync(leaseNanos));
    }

    CompletableFuture<Void> extendAsync(long leaseNanos) {
        long sentAt = wiring.ticker().nanos();
        long ttl;
        long shortened;
        synchronized (this) {
            if (!machine.isHeld(sentAt)) {
                return notHeldForExtend();
            }
            ttl = machine.extendTtl(sentAt, leaseNanos);
            if (ttl >= 1_000_000L) {
                machine.sending(sentAt, ttl);
            }
            shortened = machine.nextEventAt();
        }
        // A shorter TTL counts at once, so its loss deadline may now come before the next tick.
        surroundings.nextEventAt(shortened);
        if (ttl < 1_000_000L) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("lock '" + keys.name()
                    + "' reached its maximum hold of "
                    + Duration.ofNanos(machine.spec().maxHoldNanos())
                    + "; it cannot be extended"));
        }
        long sent = ttl;
        return sendExtend(sent, () -> machine.extended(sentAt, sent, leaseNanos));
    }

    /** Moves the maximum hold to {@code maxHoldNanos} from now and sets the TTL to match, owner-checked; waits. */
    void extendHold(long maxHoldNanos) {
        Futures.awaitUninterruptibly(extendHoldAsync(maxHoldNanos));
    }

    /**
     * Moves the maximum hold to end {@code maxHoldNanos} after now (earlier or later than before) and
     * sets the TTL to what the lease allows under it: the lease time when watched, else all of it.
     * The new bound applies only once Redis confirmed it; until then only a shorter one counts.
     */
    CompletableFuture<Void> extendHoldAsync(long maxHoldNanos) {
        long sentAt = wiring.ticker().nanos();
        long ttl;
        long shortened;
        synchronized (this) {
            if (!machine.isHeld(sentAt)) {
                return notHeldForExtend();
            }
            ttl = machine.holdExtensionTtl(sentAt, maxHoldNanos);
            machine.sending(sentAt, ttl);
            shortened = machine.nextEventAt();
        }
        surroundings.nextEventAt(shortened);
        long sent = ttl;
        return sendExtend(sent, () -> machine.holdExtended(sentAt, sent, maxHoldNanos));
    }

    private CompletableFuture<Void> notHeldForExtend() {
        LossCause cause = machine.lossCause();
        return CompletableFuture.failedFuture(notHeld(
                cause != null ? Losses.reason(cause) : LeaseNotHeldException.Reason.EXPIRED,
                "cannot extend a lease that is no longer held"));
    }

    /** Sends an owner-checked TTL change; {@code confirm} runs under the monitor once Redis confirmed it. */
    private CompletableFuture<Void> sendExtend(long ttl, Runnable confirm) {
        String token = token();
        LockStore.Renewal request = new LockStore.Renewal(keys.leaseKey(token), token, LeaseSpec.toMillisCeil(ttl));
        return wiring.store().renew(List.of(request)).handle((outcomes, error) -> {
            if (error != null) {
                throw Failures.completion(Failures.translate(error, keys.name(), wiring.address(), "extend"));
            }
            LockStore.Ownership outcome = outcomes.get(0);
            if (outcome == LockStore.Ownership.OWNED) {
                long next;
                synchronized (this) {
                    confirm.run();
                    next = machine.nextEventAt();
                }
                surroundings.nextEventAt(next);
                return null;
            }
            LossCause cause = Losses.cause(outcome);
            String detail = Losses.detail(cause, "extend");
            declareLost(cause, detail);
            throw Failures.completion(notHeld(Losses.reason(cause), detail));
        });
    }

    /** Warden is closing: release in Redis (owner-checked) and tell a holder that still held it. */
    CompletableFuture<?> closeByWarden() {
        boolean send;
        synchronized (this) {
            send = machine.closing();
        }
        if (!send) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?> release = sendRelease(0).handle((ok, error) -> null);
        declareLost(LossCause.WARDEN_CLOSED, "Warden was closed while the lease was held; it was released");
        end();
        return release;
    }

    /** Marks a held lease lost and tells everyone: isHeld() first, then listeners and the future. */
    void declareLost(LossCause cause, String detail) {
        synchronized (this) {
            if (!machine.lose(cause)) {
                return;
            }
        }
        tellLoss(cause, detail);
    }

    private void tellLoss(LossCause cause, String detail) {
        LeaseLostEvent event = new LeaseLostEvent(
                keys.name(),
                fence,
                cause,
                detail,
                Instant.now(),
                Duration.ofNanos(wiring.ticker().nanos() - acquiredAt));
        LossSignal signal = loss();
        List<Consumer<LeaseLostEvent>> toTell = signal.record(event);
        if (toTell != null) {
            end();
            signal.announce(event, toTell);
        }
    }

    /** The lease ended here (released, lost, or let go): stop watching, pass the local gate on. */
    private void end() {
        synchronized (this) {
            if (!machine.markEnded()) {
                return;
            }
        }
        wiring.metrics().leasesHeld.decrement();
        surroundings.ended(this);
    }

    private LeaseNotHeldException notHeld(LeaseNotHeldException.Reason reason, String detail) {
        return new LeaseNotHeldException(keys.name(), wiring.address(), reason, detail);
    }

    /** Where {@link #watch} puts a renewal it found due (the watchdog's tick gathers them). */
    interface DueRenewals {
        /** {@code lease} is due, marked in flight, for a renewal setting its TTL to {@code ttlNanos}. */
        void add(LeaseState lease, long ttlNanos);
    }

    /** What a lease tells the watchdog and the local gate around it. */
    interface Surroundings {
        /** The lease needs attention no later than {@code at} (a {@link Ticker} instant). */
        void nextEventAt(long at);

        /** The lease ended here: stop watching it, pass the gate on. */
        void ended(LeaseState lease);

        /**
         * How the lease is released instead of the lock's release (a semaphore's permit, whose
         * release also frees its units), or null for the lock's own: asked here, not kept per lease.
         */
        default @Nullable Releaser releaser() {
            return null;
        }

        /**
         * The lease's last hold is being released (without a minimum hold): the next local
         * waiter's acquire to send with it, or null (the lock's gate decides).
         */
        default @Nullable HandOff handOff(LeaseState lease) {
            return null;
        }
    }

    /** The owner-checked release command of a lease (see {@link LockStore#release}). */
    @FunctionalInterface
    interface Releaser {
        CompletableFuture<LockStore.Released> release(String token, long keepMillis, boolean announce);
    }
}
