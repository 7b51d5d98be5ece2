package io.warden.internal;

import io.lettuce.core.ScriptOutputType;
import io.warden.HolderInfo;
import io.warden.LeaseLostEvent;
import io.warden.LeaseNotHeldException;
import io.warden.LossCause;
import io.warden.WardenException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local state of one acquired lease, shared by all its re-entrant handles: owner token, fencing
 * token, hold count, validity on the monotonic clock, and the loss signal.
 *
 * <p>Life cycle: HELD → RELEASING → RELEASED, or HELD → LOST. A failed release returns to HELD,
 * unwatched, so it can be retried and otherwise expires. All fields are guarded by this object's
 * monitor; Redis calls and listener dispatch happen outside it.
 */
final class LeaseState {
    private static final Logger log = LoggerFactory.getLogger(LeaseState.class);

    enum Status {
        HELD,
        RELEASING,
        RELEASED,
        LOST
    }

    private final Engine engine;
    private final LockEntry entry;
    private final LockKeys keys;
    private final Object owner;
    private final String token;
    private final long fence;
    private final long acquiredAt;
    private final LeaseSpec spec;
    private final long hardDeadline;
    private final CompletableFuture<LeaseLostEvent> lostFuture = new CompletableFuture<>();
    private final List<Consumer<LeaseLostEvent>> listeners = new ArrayList<>();

    private Status status = Status.HELD;
    private int holds = 1;
    private boolean watched;
    private boolean capped;
    private long validUntil;
    private long lossAt;
    private long nextRenewAt;
    private CompletableFuture<Void> renewal;
    private LeaseLostEvent lost;
    private boolean ended;
    private boolean releasedAfterLoss;
    private boolean releaseUnconfirmed;

    LeaseState(
            Engine engine,
            LockEntry entry,
            Object owner,
            String token,
            long fence,
            long sentAt,
            long ttlNanos,
            LeaseSpec spec) {
        this.engine = engine;
        this.entry = entry;
        this.keys = entry.keys();
        this.owner = owner;
        this.token = token;
        this.fence = fence;
        this.acquiredAt = sentAt;
        this.spec = spec;
        this.watched = spec.watched();
        this.hardDeadline = spec.maxHoldNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : sentAt + spec.maxHoldNanos();
        confirmed(sentAt, ttlNanos);
    }

    Object owner() {
        return owner;
    }

    String token() {
        return token;
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

    /** Records that the server set this lease's TTL to {@code ttl} for a request sent at {@code sentAt}. */
    private void confirmed(long sentAt, long ttl) {
        validUntil = sentAt + ttl - LeaseSpec.driftNanos(ttl);
        lossAt = watched ? sentAt + ttl - LeaseSpec.lossLeadNanos(ttl) : validUntil;
        nextRenewAt = sentAt + spec.leaseNanos() / engine.settings().renewalsPerLease();
        capped = ttl < spec.leaseNanos();
    }

    /** This lease as other waiters of this process see its holder. */
    HolderInfo describe(HostIdentity identity) {
        Instant since = Instant.now().minusNanos(System.nanoTime() - acquiredAt);
        return new HolderInfo(identity.host(), identity.pid(), since, fence);
    }

    synchronized boolean reenter() {
        if (status != Status.HELD || System.nanoTime() - validUntil >= 0) {
            return false;
        }
        holds++;
        return true;
    }

    synchronized boolean isHeld() {
        return status == Status.HELD && System.nanoTime() - validUntil < 0;
    }

    synchronized Duration remaining() {
        if (status != Status.HELD) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(Math.max(0, validUntil - System.nanoTime()));
    }

    synchronized boolean isWatched() {
        return watched && status == Status.HELD;
    }

    synchronized LeaseLostEvent lostEvent() {
        return lost;
    }

    CompletableFuture<LeaseLostEvent> lostFuture() {
        return lostFuture;
    }

    void onLost(Consumer<LeaseLostEvent> listener) {
        LeaseLostEvent already;
        synchronized (this) {
            already = lost;
            if (already == null) {
                listeners.add(listener);
                return;
            }
        }
        dispatch(listener, already);
    }

    // ---- watchdog side -------------------------------------------------------------------------

    /** A renewal due now (or soon enough to share this tick), or null. Marks it in flight. */
    synchronized Renewal renewalDue(long now) {
        if (status != Status.HELD || !watched || renewal != null) {
            return null;
        }
        long interval = spec.leaseNanos() / engine.settings().renewalsPerLease();
        if (now - (nextRenewAt - interval / 4) < 0) {
            return null;
        }
        long ttl = Math.min(spec.leaseNanos(), hardDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : hardDeadline - now);
        if (ttl < 1_000_000L) {
            return null; // at the maximum hold: let it run out; the deadline check reports it
        }
        renewal = new CompletableFuture<>();
        return new Renewal(this, now, ttl);
    }

    /** The next instant the watchdog must look at this lease. */
    synchronized long nextEventAt() {
        if (status != Status.HELD) {
            return Long.MAX_VALUE;
        }
        // A tick comes when the earliest lease is due; it also takes leases due within a quarter
        // interval after that, so ticks are at least that far apart and renewals stay grouped.
        long next = lossAt;
        if (watched && renewal == null && nextRenewAt - next < 0) {
            next = nextRenewAt;
        }
        return next;
    }

    /** Declares the lease lost if its deadline has come. */
    void checkDeadline(long now) {
        LossCause cause;
        synchronized (this) {
            if (status != Status.HELD || now - lossAt < 0) {
                return;
            }
            cause = capped
                    ? LossCause.MAX_HOLD_REACHED
                    : watched ? LossCause.RENEWAL_DEADLINE_PASSED : LossCause.EXPIRED;
        }
        String detail = switch (cause) {
            case MAX_HOLD_REACHED -> "held for its maximum of " + Duration.ofNanos(spec.maxHoldNanos());
            case EXPIRED -> "its lease of " + Duration.ofNanos(spec.leaseNanos()) + " ran out before release";
            default ->
                "no renewal confirmed in time; the key may expire on the server within "
                        + Duration.ofNanos(LeaseSpec.lossLeadNanos(spec.leaseNanos()));
        };
        declareLost(cause, detail);
    }

    void renewalSucceeded(Renewal request) {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = renewal;
            renewal = null;
            if (status == Status.HELD) {
                confirmed(request.sentAt(), request.ttlNanos());
            }
        }
        complete(done);
    }

    void renewalRefused(Renewal request, long code) {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = renewal;
            renewal = null;
        }
        LossCause cause = code == 0
                ? LossCause.KEY_DELETED
                : code == -1 ? LossCause.TAKEN_BY_ANOTHER_OWNER : LossCause.KEY_OVERWRITTEN;
        String detail = code == 0
                ? "renewal found the key gone (expired or deleted)"
                : code == -1
                        ? "renewal found the key held by another owner"
                        : "renewal found the key replaced by data Warden did not write";
        declareLost(cause, detail);
        complete(done);
    }

    void renewalFailed(Renewal request, Throwable error) {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = renewal;
            renewal = null;
            long interval = spec.leaseNanos() / engine.settings().renewalsPerLease();
            nextRenewAt = System.nanoTime() + Math.max(interval / 10, 25_000_000L);
        }
        log.debug("renewal of lock '{}' failed, retrying: {}", keys.name(), Failures.rootMessage(error));
        complete(done);
    }

    private static void complete(CompletableFuture<Void> done) {
        if (done != null) {
            done.complete(null);
        }
    }

    // ---- holder side -------------------------------------------------------------------------

    /**
     * Releases one hold, waiting for Redis on the last one. {@code keepNanos > 0} keeps the key
     * that much longer instead of deleting it (task locks' lockAtLeastFor).
     */
    void release(long keepNanos) {
        // A holder waking from a pause may release before the watchdog noticed the deadline:
        // the loss is declared (and told) first, whoever notices it.
        checkDeadline(System.nanoTime());
        CompletableFuture<Void> inFlight;
        boolean sendAfterLoss = false;
        synchronized (this) {
            switch (status) {
                case LOST -> {
                    sendAfterLoss = !releasedAfterLoss && keyMayRemain(lost.cause());
                    releasedAfterLoss = true;
                    inFlight = null;
                }
                case RELEASED, RELEASING ->
                    throw notHeld(LeaseNotHeldException.Reason.ALREADY_RELEASED, "the lease was already released");
                default -> {
                    if (holds > 1) {
                        holds--;
                        return;
                    }
                    status = Status.RELEASING;
                    inFlight = renewal;
                }
            }
        }
        if (sendAfterLoss) {
            engine.releaseQuietly(keys, token);
        }
        LeaseLostEvent event = lostEvent();
        if (event != null) {
            throw notHeld(
                    LeaseNotHeldException.Reason.LOST, "it was lost earlier: " + event.cause() + ", " + event.detail());
        }
        if (inFlight != null) {
            // A renewal already sent must land before the release, so the two never race.
            Futures.awaitUninterruptibly(inFlight);
        }
        long code;
        try {
            code = Futures.awaitUninterruptibly(
                    engine.release(keys, token, keepNanos <= 0 ? 0 : LeaseSpec.toMillisCeil(keepNanos)));
        } catch (RuntimeException e) {
            synchronized (this) {
                status = Status.HELD;
                releaseUnconfirmed = true; // it may still reach Redis later
                watched = false; // stop renewing: if the release cannot be retried, the lease expires
                lossAt = validUntil;
            }
            engine.watchdog().reschedule(lossAt);
            throw Failures.translate(e, keys.name(), engine.address(), "release");
        }
        boolean released;
        synchronized (this) {
            released = code == 1 || code == 2 || (code == 0 && releaseUnconfirmed);
            if (released) {
                status = Status.RELEASED;
                holds = 0;
            }
        }
        if (released) {
            end();
            engine.metrics().releases.increment();
            log.debug(
                    "released lock '{}' (fencing token {}){}",
                    keys.name(),
                    fence,
                    code == 2 ? ", kept for its minimum hold" : "");
            return;
        }
        // Lost without anyone noticing until now: tell the listeners too, then the caller.
        LossCause cause = code == 0
                ? LossCause.KEY_DELETED
                : code == -1 ? LossCause.TAKEN_BY_ANOTHER_OWNER : LossCause.KEY_OVERWRITTEN;
        String detail = code == 0
                ? "release found the key gone (it had expired)"
                : code == -1
                        ? "release found the lock held by another owner"
                        : "release found the key replaced by data Warden did not write";
        declareLost(cause, detail);
        throw code == 0
                ? notHeld(LeaseNotHeldException.Reason.EXPIRED, "its key had expired before the release")
                : notHeld(LeaseNotHeldException.Reason.HELD_BY_ANOTHER_OWNER, detail);
    }

    /** Gives back a lease nobody will use (a cancelled acquisition): drops one hold, quietly. */
    void giveBack() {
        try {
            release(0);
        } catch (WardenException e) {
            log.debug("giving back lock '{}' failed; it will expire: {}", keys.name(), e.getMessage());
        }
    }

    /** Sets the lease's TTL to {@code leaseTime} from now, owner-checked. */
    void extend(Duration leaseTime) {
        long sentAt = System.nanoTime();
        long ttl;
        synchronized (this) {
            if (status != Status.HELD || sentAt - validUntil >= 0) {
                throw notHeld(
                        lost != null ? LeaseNotHeldException.Reason.LOST : LeaseNotHeldException.Reason.EXPIRED,
                        "cannot extend a lease that is no longer held");
            }
            ttl = Math.min(
                    leaseTime.toNanos(), hardDeadline == Long.MAX_VALUE ? Long.MAX_VALUE : hardDeadline - sentAt);
        }
        if (ttl < 1_000_000L) {
            throw new IllegalArgumentException(
                    "lock '" + keys.name() + "' reached its maximum hold time; it cannot be extended");
        }
        List<Long> codes;
        try {
            codes = Futures.awaitUninterruptibly(engine.backend()
                    .<List<Long>>eval(
                            LuaScript.EXTEND,
                            ScriptOutputType.MULTI,
                            new String[] {keys.lockKey()},
                            token,
                            Long.toString(LeaseSpec.toMillisCeil(ttl))));
        } catch (RuntimeException e) {
            throw Failures.translate(e, keys.name(), engine.address(), "extend");
        }
        long code = codes.get(0);
        if (code == 1) {
            synchronized (this) {
                if (status == Status.HELD) {
                    confirmed(sentAt, ttl);
                }
            }
            engine.watchdog().reschedule(nextEventAt());
            return;
        }
        renewalRefused(new Renewal(this, sentAt, ttl), code);
        throw notHeld(
                LeaseNotHeldException.Reason.LOST,
                "extend found it " + lostEvent().cause());
    }

    /** Warden is closing: release in Redis (owner-checked) and tell the holder. */
    CompletableFuture<?> closeByWarden() {
        synchronized (this) {
            if (status != Status.HELD && status != Status.RELEASING) {
                return CompletableFuture.completedFuture(null);
            }
        }
        CompletableFuture<?> release = engine.release(keys, token, 0).handle((ok, error) -> null);
        declareLost(LossCause.WARDEN_CLOSED, "Warden was closed while the lease was held; it was released");
        return release;
    }

    /** Marks the lease lost and tells everyone: isHeld() first, then listeners and the future. */
    void declareLost(LossCause cause, String detail) {
        LeaseLostEvent event;
        List<Consumer<LeaseLostEvent>> toTell;
        synchronized (this) {
            if (status != Status.HELD && status != Status.RELEASING) {
                return;
            }
            status = Status.LOST;
            event = new LeaseLostEvent(
                    keys.name(), fence, cause, detail, Instant.now(), Duration.ofNanos(System.nanoTime() - acquiredAt));
            lost = event;
            toTell = new ArrayList<>(listeners);
            listeners.clear();
        }
        end();
        engine.metrics().lost(cause);
        if (cause == LossCause.WARDEN_CLOSED) {
            log.info("lock '{}' (fencing token {}) released because Warden closed", keys.name(), fence);
        } else {
            log.warn(
                    "LEASE LOST: lock '{}' (fencing token {}) held for {} ms: {} - {}",
                    keys.name(),
                    fence,
                    event.heldFor().toMillis(),
                    cause,
                    detail);
        }
        engine.runCallback(() -> lostFuture.complete(event));
        for (Consumer<LeaseLostEvent> listener : toTell) {
            dispatch(listener, event);
        }
    }

    private void dispatch(Consumer<LeaseLostEvent> listener, LeaseLostEvent event) {
        engine.runCallback(() -> {
            try {
                listener.accept(event);
            } catch (RuntimeException | Error e) {
                log.error("a lease-lost listener of lock '{}' threw", keys.name(), e);
            }
        });
    }

    private void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        engine.leaseEnded(this, entry);
    }

    private static boolean keyMayRemain(LossCause cause) {
        return cause == LossCause.RENEWAL_DEADLINE_PASSED
                || cause == LossCause.EXPIRED
                || cause == LossCause.MAX_HOLD_REACHED;
    }

    private LeaseNotHeldException notHeld(LeaseNotHeldException.Reason reason, String detail) {
        return new LeaseNotHeldException(keys.name(), engine.address(), reason, detail);
    }

    /** One lease's part of a renewal batch. */
    record Renewal(LeaseState lease, long sentAt, long ttlNanos) {}
}
