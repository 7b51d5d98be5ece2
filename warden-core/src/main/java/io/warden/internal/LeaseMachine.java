package io.warden.internal;

import io.warden.LossCause;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The state of one acquired lease and every rule that moves it, with no I/O, no clock and no
 * threads: callers pass the time ({@link Ticker} nanos) and carry out what a transition returns.
 * Not thread-safe: {@link LeaseState} calls it under its monitor.
 *
 * <pre>
 *            reenter / release of an inner hold
 *              ┌──────┐
 *              ▼      │
 *  granted ─► HELD ───┘──── release (last hold) ────► RELEASING ──── reply: released ──► RELEASED
 *              │  ▲                                      │  ▲
 *              │  └ renewal or extend confirmed          │  └──── release retried ───┐
 *              │                                         ▼                           │
 *              │                              no reply / error ──► RELEASE_UNKNOWN ──┘
 *              │                                                   (expires if never retried)
 *              └── deadline passed, renewal refused, release found it gone/taken ──► LOST
 * </pre>
 *
 * <p>Only HELD counts as held, and only before its validity ends. A lease whose release outcome is
 * unknown is never held again and never re-entered: its key may already be gone, or may still be
 * there until it expires. A reply to a release retried after an unknown outcome that finds the key
 * gone or taken proves nothing against the holder (its first attempt may have landed), so it ends
 * as RELEASED, not LOST.
 */
final class LeaseMachine {
    enum Phase {
        HELD,
        RELEASING,
        RELEASE_UNKNOWN,
        RELEASED,
        LOST
    }

    /** What a release call must do. */
    enum ReleaseStep {
        /** An inner re-entrant hold: nothing to send. */
        INNER_HOLD,
        /** Send the owner-checked release. */
        SEND,
        /** Lost earlier, its key may remain: send an owner-checked release quietly, then report the loss. */
        SEND_AFTER_LOSS,
        /** Lost earlier, nothing to send: report the loss. */
        LOST,
        /** Released already or being released by another call. */
        ALREADY_RELEASED
    }

    /** The release reply's meaning for this lease. */
    record ReleaseVerdict(boolean released, @Nullable LossCause cause) {}

    // Field sizes count: with compressed pointers this object fits 96 B (6 longs, 5 references, 2
    // ints, 6 booleans: 94 B); one more field of 4 B or more makes it 104 B per held lease.
    /** The lease's terms: its lease time and renewals per lease, read where needed, not copied. */
    private final LeaseSpec spec;

    /** The maximum hold's end ({@link Ticker} nanos), or {@code Long.MAX_VALUE}; moved by a confirmed hold extension. */
    private long hardDeadline;

    private Phase phase = Phase.HELD;
    private int holds = 1;
    private boolean watched;
    private boolean capped;
    private long validUntil;
    private long lossAt;
    private long interval;
    private long nextRenewAt;
    private long retryNotBefore;
    private boolean renewing;
    private boolean releaseWasUnknown;
    private boolean releasedAfterLoss;
    /** Whether the lease's owner has carried out its end here (see {@link #markEnded}). */
    private boolean ended;

    private @Nullable LossCause lossCause;
    /** Why the lease ended if a release sent past its local deadline finds the key gone. */
    private @Nullable LossCause lateCause;
    /**
     * TTL-setting commands sent and not yet confirmed, in send order, as pairs {sentAt, ttl} in the
     * first {@code 2 * inFlightCount} slots; null while none is in flight (most of a lease's life),
     * so that an idle lease carries no buffer.
     */
    private long @Nullable [] inFlight;

    private int inFlightCount;

    LeaseMachine(LeaseSpec spec, long sentAt, long ttlNanos) {
        this.spec = spec;
        this.watched = spec.watched();
        this.hardDeadline = spec.maxHoldNanos() == Long.MAX_VALUE ? Long.MAX_VALUE : sentAt + spec.maxHoldNanos();
        confirmed(sentAt, ttlNanos, spec.leaseNanos()); // capped when the maximum hold cut the lease asked for
    }

    /**
     * The server set the TTL to {@code ttl} for a command sent at {@code sentAt}, asked as {@code
     * wanted} before the maximum hold cut it. Validity counts from the send, minus the drift
     * allowance; the next renewal is a fraction of this TTL away, whatever the spec's lease is.
     */
    private void confirmed(long sentAt, long ttl, long wanted) {
        validUntil = sentAt + ttl - LeaseSpec.driftNanos(ttl);
        lossAt = watched ? sentAt + ttl - LeaseSpec.lossLeadNanos(ttl) : validUntil;
        interval = Math.max(1, ttl / spec.renewalsPerLease());
        nextRenewAt = sentAt + interval;
        retryNotBefore = sentAt;
        capped = ttl < wanted;
    }

    Phase phase() {
        return phase;
    }

    LeaseSpec spec() {
        return spec;
    }

    /**
     * Marks that the owner carries out the lease's end here (stops watching it, passes the local gate
     * on); true only the first time. Kept here, beside the phase, rather than in the owner, so that
     * the owner fits a smaller allocation.
     */
    boolean markEnded() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    boolean isHeld(long now) {
        return phase == Phase.HELD && now - validUntil < 0;
    }

    long remainingNanos(long now) {
        return isHeld(now) ? validUntil - now : 0;
    }

    boolean isWatched() {
        return watched && phase == Phase.HELD;
    }

    /** Adds a re-entrant hold if the lease is held now. */
    boolean reenter(long now) {
        if (!isHeld(now)) {
            return false;
        }
        holds++;
        return true;
    }

    // ---- renewal ----------------------------------------------------------------------------------

    /**
     * How early a renewal may go when a tick runs anyway: more than half the interval, so that any
     * two instants at which renewals fall due are merged by the tick of either, and leases taken at
     * different times converge to one renewal round trip per interval. Renewing early only extends.
     */
    static long earlyWindow(long interval) {
        return interval / 2 + interval / 8;
    }

    /** The TTL of a renewal due at {@code now} (marked in flight), or 0 if none is due. */
    long renewalDue(long now) {
        // A TTL cut by the maximum hold already runs to it: renewing again would only shorten the
        // loss signal's lead and race the key's expiry.
        if (phase != Phase.HELD
                || !watched
                || renewing
                || capped
                || now - retryNotBefore < 0
                || now - (nextRenewAt - earlyWindow(interval)) < 0) {
            return 0;
        }
        long leaseNanos = spec.leaseNanos();
        long ttl = hardDeadline == Long.MAX_VALUE ? leaseNanos : Math.min(leaseNanos, hardDeadline - now);
        if (ttl < 1_000_000L) {
            return 0; // at the maximum hold: let it run out; the deadline reports it
        }
        renewing = true;
        sending(now, ttl);
        return ttl;
    }

    /**
     * Brings the next renewal forward to {@code now}, to learn at once whether the lease is still
     * ours (a release was announced for its name: a forced unlock, or a stale message). False when
     * no renewal may be sent: not held, not watched, one already in flight (its reply tells), or a
     * TTL capped by the maximum hold (renewing it would shorten it).
     */
    boolean renewNow(long now) {
        if (phase != Phase.HELD || !watched || renewing || capped) {
            return false;
        }
        nextRenewAt = now;
        retryNotBefore = now;
        return true;
    }

    /**
     * A command that sets the TTL to {@code ttl} leaves now: it may land at any moment, even if its
     * reply never comes, so validity and the loss deadline never reach past what it would leave.
     * A longer TTL counts only once confirmed; a shorter one counts at once.
     */
    void sending(long sentAt, long ttl) {
        long[] pairs = inFlight;
        if (pairs == null) {
            pairs = new long[4];
        } else if (pairs.length == 2 * inFlightCount) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * inFlightCount] = sentAt;
        pairs[2 * inFlightCount + 1] = ttl;
        inFlightCount++;
        inFlight = pairs;
        capBy(sentAt, ttl);
    }

    /**
     * A TTL command sent at {@code sentAt} was confirmed. Commands on one connection run in the
     * order sent, so those sent before it ran before it and no longer matter; those sent after it
     * may still land, so they still cap what it confirms.
     */
    private void confirmedInOrder(long sentAt, long ttl, long wanted) {
        long[] pairs = inFlight;
        if (pairs == null) {
            confirmed(sentAt, ttl, wanted);
            return;
        }
        int found = -1;
        for (int i = 0; i < inFlightCount; i++) {
            if (pairs[2 * i] == sentAt && pairs[2 * i + 1] == ttl) {
                found = i;
                break;
            }
        }
        if (found >= 0) {
            int left = inFlightCount - found - 1;
            if (left == 0) {
                inFlight = null;
            } else {
                System.arraycopy(pairs, 2 * (found + 1), pairs, 0, 2 * left);
            }
            inFlightCount = left;
        }
        confirmed(sentAt, ttl, wanted);
        for (int i = 0; i < inFlightCount; i++) {
            capBy(pairs[2 * i], pairs[2 * i + 1]);
        }
    }

    private void capBy(long sentAt, long ttl) {
        long valid = sentAt + ttl - LeaseSpec.driftNanos(ttl);
        if (valid - validUntil < 0) {
            validUntil = valid;
        }
        long loss = watched ? sentAt + ttl - LeaseSpec.lossLeadNanos(ttl) : validUntil;
        if (loss - lossAt < 0) {
            lossAt = loss;
        }
    }

    void renewed(long sentAt, long ttl) {
        renewing = false;
        if (phase == Phase.HELD) {
            confirmedInOrder(sentAt, ttl, spec.leaseNanos());
        }
    }

    /** The renewal's outcome is unknown: try again soon; validity still counts from the last confirmation. */
    void renewalFailed(long now) {
        renewing = false;
        nextRenewAt = now + Math.max(interval / 10, 25_000_000L);
        retryNotBefore = nextRenewAt; // not early with a tick that comes for another lease
    }

    /** The TTL an extend to {@code leaseTime} may set now, capped by the maximum hold. */
    long extendTtl(long now, long leaseTime) {
        return hardDeadline == Long.MAX_VALUE ? leaseTime : Math.min(leaseTime, hardDeadline - now);
    }

    void extended(long sentAt, long ttl, long asked) {
        if (phase == Phase.HELD) {
            confirmedInOrder(sentAt, ttl, asked);
        }
    }

    /**
     * The TTL of a hold extension sent at {@code sentAt} that moves the maximum hold to {@code
     * maxHoldNanos} from then: the lease time capped by it when watched, else the whole of it. Until
     * the extension is confirmed the maximum hold only ever moves earlier, so that renewals never
     * reach past a bound that Redis has not confirmed.
     */
    long holdExtensionTtl(long sentAt, long maxHoldNanos) {
        long deadline = sentAt + maxHoldNanos;
        if (hardDeadline == Long.MAX_VALUE || deadline - hardDeadline < 0) {
            hardDeadline = deadline;
        }
        return watched ? Math.min(spec.leaseNanos(), maxHoldNanos) : maxHoldNanos;
    }

    /** A hold extension sent at {@code sentAt} was confirmed: the maximum hold now ends {@code maxHoldNanos} after it. */
    void holdExtended(long sentAt, long ttl, long maxHoldNanos) {
        if (phase == Phase.HELD) {
            hardDeadline = sentAt + maxHoldNanos;
            confirmedInOrder(sentAt, ttl, watched ? spec.leaseNanos() : ttl);
        }
    }

    /**
     * How long a release at {@code now} may keep the key for a holder that asked {@code keepNanos}:
     * never past the maximum hold; 0 (delete now) when less than a millisecond of it is left.
     */
    long keepNanos(long now, long keepNanos) {
        if (keepNanos <= 0) {
            return 0;
        }
        long kept = hardDeadline == Long.MAX_VALUE ? keepNanos : Math.min(keepNanos, hardDeadline - now);
        return kept < 1_000_000L ? 0 : kept;
    }

    /** When the watchdog must next look at this lease, or {@code Long.MAX_VALUE}. */
    long nextEventAt() {
        if (phase != Phase.HELD) {
            return Long.MAX_VALUE;
        }
        return watched && !renewing && !capped && nextRenewAt - lossAt < 0 ? nextRenewAt : lossAt;
    }

    /** The loss cause if the lease's local deadline has come, else null. */
    @Nullable
    LossCause deadlinePassed(long now) {
        if (phase != Phase.HELD || now - lossAt < 0) {
            return null;
        }
        return capped ? LossCause.MAX_HOLD_REACHED : watched ? LossCause.RENEWAL_DEADLINE_PASSED : LossCause.EXPIRED;
    }

    /**
     * Marks a held lease lost; false if it had already ended or its holder already let go
     * (releasing): a renewal or extend reply racing a release must not call a release a loss.
     */
    boolean lose(LossCause cause) {
        if (phase != Phase.HELD) {
            return false;
        }
        phase = Phase.LOST;
        lossCause = cause;
        return true;
    }

    @Nullable
    LossCause lossCause() {
        return lossCause;
    }

    // ---- release ----------------------------------------------------------------------------------

    /**
     * {@link #beginRelease()} at {@code now}. A lease past its local deadline that nobody declared
     * lost yet is still released through Redis, which decides: a key that still holds our token
     * proves that nobody else held the lock meanwhile, so the drift margin alone never turns a
     * release into a loss; a key found gone is reported with the deadline's cause.
     */
    ReleaseStep beginRelease(long now) {
        LossCause late = phase == Phase.HELD && holds == 1 ? deadlinePassed(now) : null;
        ReleaseStep step = beginRelease();
        if (step == ReleaseStep.SEND) {
            lateCause = late;
        }
        return step;
    }

    ReleaseStep beginRelease() {
        switch (phase) {
            case HELD -> {
                if (holds > 1) {
                    holds--;
                    return ReleaseStep.INNER_HOLD;
                }
                phase = Phase.RELEASING;
                return ReleaseStep.SEND;
            }
            case RELEASE_UNKNOWN -> {
                phase = Phase.RELEASING;
                return ReleaseStep.SEND;
            }
            case LOST -> {
                boolean send = !releasedAfterLoss && keyMayRemain(lossCause);
                releasedAfterLoss = true;
                return send ? ReleaseStep.SEND_AFTER_LOSS : ReleaseStep.LOST;
            }
            default -> {
                return ReleaseStep.ALREADY_RELEASED;
            }
        }
    }

    /** Interprets the reply to a release this machine asked for. */
    ReleaseVerdict releaseReplied(LockStore.Released outcome) {
        boolean released = switch (outcome) {
            case RELEASED, KEPT -> true;
            // After an unknown outcome the key may be gone, or taken after expiry, by our own doing.
            case GONE, OTHER_OWNER -> releaseWasUnknown;
            case FOREIGN -> false;
        };
        if (released) {
            if (phase == Phase.RELEASING) {
                phase = Phase.RELEASED;
                holds = 0;
            }
            return new ReleaseVerdict(true, null);
        }
        LossCause cause = outcome == LockStore.Released.GONE && lateCause != null ? lateCause : Losses.cause(outcome);
        if (phase == Phase.RELEASING) {
            phase = Phase.LOST;
            lossCause = cause;
        }
        return new ReleaseVerdict(false, cause);
    }

    /** The release got no reply: it may or may not have run. Stop renewing; never held again. */
    void releaseUnknown() {
        if (phase == Phase.RELEASING) {
            phase = Phase.RELEASE_UNKNOWN;
            releaseWasUnknown = true;
            watched = false;
        }
    }

    /** Warden is closing: true if a release should be sent (the key may still be ours). */
    boolean closing() {
        return phase == Phase.HELD || phase == Phase.RELEASING || phase == Phase.RELEASE_UNKNOWN;
    }

    private static boolean keyMayRemain(@Nullable LossCause cause) {
        return cause == LossCause.RENEWAL_DEADLINE_PASSED
                || cause == LossCause.EXPIRED
                || cause == LossCause.MAX_HOLD_REACHED;
    }
}
