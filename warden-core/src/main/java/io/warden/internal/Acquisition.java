package io.warden.internal;

import io.warden.AcquireOutcome;
import io.warden.HolderInfo;
import io.warden.LockKeyConflictException;
import io.warden.LockTimeoutException;
import io.warden.RedisUnavailableException;
import io.warden.WardenException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's attempt to acquire a lock, as an asynchronous state machine: queue locally, then as
 * the contender try the acquire command; if the lock is held, subscribe to its release channel and
 * sleep until a release message, the holder's TTL, the safety-net backoff, or the deadline —
 * whichever comes first — then try again. Never polls in a loop, never blocks a thread.
 *
 * <p>Uncertain outcomes: each attempt has its own owner token. A grant that arrives too late to be
 * used (its validity, counted from the send, has already ended) is given back and the attempt
 * retried within the wait. An attempt whose reply never came may have taken the lock: it is given
 * back, owner-checked. When Redis is unavailable in a way that may pass ({@link Failures#passing}:
 * unreachable, timing out, loading, read-only), the waiter tries again after its backoff until its
 * own deadline, and only then fails with {@link RedisUnavailableException}; a zero wait fails at
 * once. An attempt in flight at the deadline may end the wait up to one command timeout late.
 *
 * <p>A fair lock's acquisition ({@link LockKeys#fair()}) takes a ticket in the lock's queue with its
 * first attempt and keeps it for the whole wait: every attempt is owner-checked by one token and
 * sets the ticket's lease again, and the timers wake the waiter at least every {@code lease /
 * renewalsPerLease} so that a live waiter's ticket never lapses. Only the head ticket is granted
 * the lock; a release wakes only the head's waiter. A fair acquisition that ends without the lock
 * gives its ticket up (owner-checked, never waited for); one that could not reach Redis leaves it to
 * expire with its lease.
 *
 * <p>{@link #result} completes with the lease state, or with {@link LockTimeoutException}, a
 * translated Redis error, or {@link CancellationException}. Whatever ends it, the gate is passed
 * on, its timers are cancelled and nothing is left behind.
 */
final class Acquisition implements LockEntry.Waiter {
    private static final Logger log = LoggerFactory.getLogger(Acquisition.class);

    private final Wiring wiring;
    private final LockTable table;
    private final Watchdog watchdog;
    private final LockKeys keys;
    private final Object owner;
    private final boolean reentrant;
    private final LeaseSpec spec;
    private final long startedAt;
    private final long waitNanos;
    /** A fair acquisition's place in the queue, or null for a plain lock. */
    private final LockStore.@Nullable Ticket ticket;
    /** A fair acquisition's one owner token (its ticket's, and its lease's); null for a plain lock. */
    private final @Nullable String fairToken;
    /** How often a fair waiter sets its ticket's lease again. */
    private final long ticketRefreshNanos;

    final CompletableFuture<LeaseState> result = new CompletableFuture<>();

    private volatile @Nullable LockEntry entry;
    private final AtomicBoolean ending = new AtomicBoolean();
    // Guarded by this.
    private boolean inFlight;
    private boolean wakeRequested;
    private boolean subscribed;
    private int backoffAttempt;
    private Scheduler.@Nullable Cancellable timer;
    private Scheduler.@Nullable Cancellable deadline;
    private boolean contending;
    private @Nullable HolderInfo lastHolder;
    /** A read-write attempt was sent: it may have left a marker or registration ({@link #withdrawIntent}). */
    private boolean intentMaySet;
    /** The last outage ridden out; reported if the wait ends during it. */
    private @Nullable WardenException lastOutage;
    /** Whether a fair attempt was sent: a ticket may be queued. */
    private boolean ticketSent;

    Acquisition(
            Wiring wiring,
            LockTable table,
            Watchdog watchdog,
            LockKeys keys,
            Object owner,
            boolean reentrant,
            LeaseSpec spec,
            long waitNanos) {
        this.wiring = wiring;
        this.table = table;
        this.watchdog = watchdog;
        this.keys = keys;
        this.owner = owner;
        this.reentrant = reentrant;
        this.spec = spec;
        this.waitNanos = waitNanos;
        this.startedAt = wiring.ticker().nanos();
        if (keys.fair()) {
            long ticketNanos = wiring.settings().defaultLeaseTime().toNanos();
            this.ticket = new LockStore.Ticket(OwnerTokens.next(), LeaseSpec.toMillisCeil(ticketNanos));
            this.fairToken = OwnerTokens.next();
            this.ticketRefreshNanos =
                    Math.max(1, ticketNanos / wiring.settings().renewalsPerLease());
        } else {
            this.ticket = null;
            this.fairToken = null;
            this.ticketRefreshNanos = Long.MAX_VALUE;
        }
        Futures.onCompletion(result, (lease, error) -> stopTimers());
    }

    @Override
    public Object owner() {
        return owner;
    }

    @Override
    public boolean reentrant() {
        return reentrant;
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    /** Joins the lock's local gate; contends at once if the gate is free. */
    void begin() {
        while (true) {
            LockEntry candidate = table.entry(keys, owner);
            if (candidate.keys().fair() != keys.fair()) {
                fail(new WardenException(
                        keys.name(),
                        wiring.address(),
                        "this Warden is using lock '" + keys.name() + "' as a " + (keys.fair() ? "plain" : "fair")
                                + " lock right now; use one kind per name (a plain acquisition would jump the fair"
                                + " queue)",
                        null));
                return;
            }
            LeaseState local = candidate.holder();
            if (local != null) {
                // The watchdog declares a lease lost at its deadline, but on its own thread, which a
                // busy machine may run late: never queue behind (or be refused for) a lease that is
                // already over. Declaring it lost here passes the gate on, as the tick would.
                local.checkDeadline(wiring.ticker().nanos());
            }
            // Set before entering: once queued, another thread may start us at any moment.
            entry = candidate;
            LockEntry.Entered entered = candidate.enter(this);
            if (entered == LockEntry.Entered.RETIRED) {
                continue;
            }
            if (entered == LockEntry.Entered.QUEUED) {
                queued(candidate);
            } else if (entered == LockEntry.Entered.CONTENDING) {
                start();
            }
            return;
        }
    }

    /** Called by the entry when the owner re-entered a lease it holds. */
    @Override
    public void reentered(LeaseState lease) {
        result.complete(lease);
    }

    /**
     * Queued behind a local holder or contender: the wait is bounded here too, since only the
     * contender's own attempts would otherwise notice the deadline.
     */
    private void queued(LockEntry queuedAt) {
        if (waitNanos == 0) {
            LeaseState local = queuedAt.holder();
            fail(new LockTimeoutException(
                    keys.name(), wiring.address(), Duration.ZERO, local == null ? null : local.describe()));
            return;
        }
        if (waitNanos != Long.MAX_VALUE) {
            synchronized (this) {
                if (!result.isDone()) {
                    deadline = wiring.scheduler().schedule(this::deadlineReached, waitNanos);
                }
            }
        }
    }

    private void deadlineReached() {
        boolean stillQueued;
        synchronized (this) {
            deadline = null;
            stillQueued = !contending;
        }
        if (stillQueued) {
            LeaseState local = entry().holder();
            fail(new LockTimeoutException(
                    keys.name(),
                    wiring.address(),
                    Duration.ofNanos(waitNanos),
                    local == null ? lastHolder() : local.describe()));
        } else {
            wake(); // the contender's next attempt sees the deadline and gives up if still held
        }
    }

    /** This acquisition became the contender. */
    @Override
    public void start() {
        synchronized (this) {
            contending = true;
        }
        attempt();
    }

    /** A release message arrived, or a timer fired: try again (or right after the try in flight). */
    @Override
    public void wake() {
        attempt();
    }

    private void attempt() {
        attempt(null);
    }

    /**
     * Sends an attempt, with a new owner token or with {@code again}, the token of an attempt whose
     * outcome is unknown (a grant it may have left is then found). Returns false if nothing was sent.
     *
     * <p>Only the contender talks to Redis: a waiter the gate has not started (or handed the lock
     * to) sends nothing, whatever wakes it. The gate names its next contender under its own monitor
     * and tells it afterwards, so a release message read in between wakes a waiter that does not
     * know yet; an attempt sent then would be in flight when the gate's hand-off reaches it (see
     * {@link #handOff}), and the contender's own start or hand-off looks at the lock anyway.
     */
    private boolean attempt(@Nullable String again) {
        WardenException outlasted = null;
        synchronized (this) {
            if (result.isDone() || !contending) {
                return false;
            }
            if (inFlight) {
                wakeRequested = true;
                return false;
            }
            if (lastOutage != null && remainingWait() <= 0) {
                outlasted = lastOutage;
            } else {
                inFlight = true;
                wakeRequested = false;
                intentMaySet = true;
                cancelTimer();
            }
        }
        if (outlasted != null) {
            fail(outlasted(outlasted)); // rather than send one more attempt past the deadline
            return false;
        }
        String token = fairToken != null ? fairToken : again != null ? again : OwnerTokens.next();
        long sentAt = wiring.ticker().nanos();
        long ttlNanos = spec.initialTtlNanos();
        LockStore.Stamp stamp = stamp();
        CompletableFuture<LockStore.Acquired> reply;
        if (ticket != null) {
            synchronized (this) {
                ticketSent = true;
            }
            reply = wiring.store().acquireFair(keys, ticket, token, LeaseSpec.toMillisCeil(ttlNanos), stamp);
        } else {
            reply = wiring.store().acquire(keys, token, LeaseSpec.toMillisCeil(ttlNanos), stamp, waitNanos != 0);
        }
        reply.whenComplete((acquired, error) -> onReply(token, sentAt, ttlNanos, acquired, error));
        return true;
    }

    private LockStore.Stamp stamp() {
        return new LockStore.Stamp(
                wiring.identity().host(),
                wiring.identity().pid(),
                LockStore.Minting.of(
                        wiring.settings().fencing(), wiring.settings().fencingTokens()),
                System.currentTimeMillis());
    }

    /**
     * The gate made this waiter the contender by a hand-off: this attempt goes with the holder's
     * release. Its validity counts from now, when it is sent; its reply is handled as any attempt's.
     * Null if this acquisition has ended, or if an attempt of its own is already in flight (which
     * {@link #attempt} prevents for a waiter the gate has not yet told): it then contends on its
     * own, and tries again once that attempt's reply is in, as after a wake.
     */
    @Override
    public @Nullable HandOff handOff() {
        synchronized (this) {
            if (result.isDone() || ending.get() || ticket != null) {
                return null;
            }
            contending = true;
            if (inFlight) {
                wakeRequested = true;
                return null;
            }
            inFlight = true;
            wakeRequested = false;
            cancelTimer();
        }
        String token = OwnerTokens.next();
        long ttlNanos = spec.initialTtlNanos();
        LockStore.Successor successor = new LockStore.Successor(token, LeaseSpec.toMillisCeil(ttlNanos), stamp());
        return new CarriedAttempt(this, successor, wiring.ticker().nanos(), ttlNanos);
    }

    /**
     * The reply to an attempt carried by a release. An unknown outcome (no reply) is looked up with
     * the same token: acquire finds a hand-off that did happen as this token's own grant, and if the
     * lock was not handed on, the retry is an ordinary attempt. If this acquisition has ended
     * meanwhile, whatever the hand-off may have granted is given back.
     */
    private void handOffReplied(
            LockStore.Successor carried,
            long sentAt,
            long ttlNanos,
            LockStore.@Nullable Acquired reply,
            @Nullable Throwable error) {
        if (error == null) {
            onReply(carried.token(), sentAt, ttlNanos, reply, null);
            return;
        }
        synchronized (this) {
            inFlight = false;
        }
        log.debug(
                "lock '{}': the release that handed it here got no reply; looking again with the same token: {}",
                keys.name(),
                Failures.rootMessage(error));
        if (!attempt(carried.token())) {
            giveBackUnused(carried.token());
        }
    }

    /** An attempt carried by a release (a record of its own, like {@link GateAndWatchdog}). */
    private record CarriedAttempt(Acquisition waiter, LockStore.Successor successor, long sentAt, long ttlNanos)
            implements HandOff {
        @Override
        public void replied(LockStore.@Nullable Acquired acquired, @Nullable Throwable error) {
            waiter.handOffReplied(successor, sentAt, ttlNanos, acquired, error);
        }
    }

    private void onReply(
            String token, long sentAt, long ttlNanos, LockStore.@Nullable Acquired reply, @Nullable Throwable error) {
        synchronized (this) {
            // A grant stays in flight until the gate has promoted it (granted()): a release message
            // read meanwhile must not send another attempt, which this very grant would refuse,
            // marking our own key as waited for and so costing our next release its hand-off.
            inFlight = error == null && reply instanceof LockStore.Granted;
            if (error == null) {
                lastOutage = null; // Redis answered: a timeout from now on is a plain timeout
            }
        }
        if (ticket != null && result.isDone() && !(reply instanceof LockStore.Granted)) {
            leaveQueue(); // ended while this attempt ran, which may have queued the ticket again
        }
        if (error != null) {
            WardenException failure = Failures.translate(error, keys.name(), wiring.address(), "acquire");
            if (failure instanceof RedisUnavailableException) {
                // The command may have run before its reply was lost: give back what we may hold.
                giveBackUnused(token);
                if (Failures.passing(error)) {
                    if (rideOut(failure)) {
                        return;
                    }
                    if (waitNanos != 0) {
                        fail(outlasted(failure));
                        return;
                    }
                }
            }
            fail(failure);
            return;
        }
        if (reply instanceof LockStore.Granted granted) {
            granted(token, sentAt, ttlNanos, granted.fence());
        } else if (reply instanceof LockStore.Freed) {
            // The release that carried this attempt freed the lock for everyone instead, because a
            // caller elsewhere waits for it: try again at once, as the others do on its message.
            attempt();
        } else if (reply instanceof LockStore.Queued queued) {
            // Only the head waits for the holder's TTL; the others are woken by the release that
            // makes them the head, or by their ticket refresh.
            heldElsewhere(queued.ahead() == 0 ? queued.pttlMillis() : -1, queued.holder());
        } else if (reply instanceof LockStore.Foreign foreign) {
            fail(new LockKeyConflictException(keys.name(), wiring.address(), foreign.key(), "type " + foreign.type()));
        } else {
            LockStore.Held held = (LockStore.Held) Objects.requireNonNull(reply, "reply"); // no error, so a reply
            heldElsewhere(held.pttlMillis(), held.holder());
        }
    }

    private void granted(String token, long sentAt, long ttlNanos, long fence) {
        LeaseState lease = new LeaseState(wiring, keys, surroundings(), owner, token, fence, sentAt, ttlNanos, spec);
        long now = wiring.ticker().nanos();
        if (lease.usableAt(now)) {
            try {
                acquired(lease);
            } finally {
                settled();
            }
            return;
        }
        // The grant came too late to be used: its validity (counted from the send) has ended.
        log.warn(
                "lock '{}': a grant arrived {} ms after its request, too late for a {} ms lease; gave it back",
                keys.name(),
                TimeUnit.NANOSECONDS.toMillis(now - sentAt),
                TimeUnit.NANOSECONDS.toMillis(ttlNanos));
        giveBackUnused(token);
        synchronized (this) {
            inFlight = false;
        }
        long remaining = remainingWait();
        if (waitNanos == 0 || remaining <= 0) {
            fail(new LockTimeoutException(keys.name(), wiring.address(), Duration.ofNanos(waitNanos), null));
        } else {
            attempt();
        }
    }

    /**
     * A grant has been promoted to the lease, or refused by the gate: the attempt is no longer in
     * flight. A wake that came meanwhile is acted on if this acquisition is still live (a refused
     * promotion whose acquisition the gate has not ended), else it has nothing left to do.
     */
    private void settled() {
        boolean retry;
        synchronized (this) {
            inFlight = false;
            retry = wakeRequested && !result.isDone();
        }
        if (retry) {
            attempt();
        }
    }

    private void heldElsewhere(long pttlMillis, @Nullable HolderInfo holder) {
        long remaining;
        boolean retryNow;
        synchronized (this) {
            lastHolder = holder;
            remaining = remainingWait();
            retryNow = wakeRequested;
        }
        if (waitNanos == 0 || remaining <= 0) {
            fail(new LockTimeoutException(keys.name(), wiring.address(), Duration.ofNanos(waitNanos), holder));
            return;
        }
        boolean firstContention;
        synchronized (this) {
            firstContention = !subscribed;
            subscribed = true;
        }
        if (firstContention) {
            // Subscribe first, then look again: a release between our try and the subscription
            // would otherwise go unnoticed until the next timer. Without a subscription the timed
            // wakes (holder's TTL, backoff) still bound the wait.
            entry().subscribe(this).whenComplete((ok, subscribeError) -> {
                if (subscribeError != null) {
                    log.debug(
                            "lock '{}': cannot subscribe to release messages, waiting on timers: {}",
                            keys.name(),
                            Failures.rootMessage(subscribeError));
                    sleep(pttlMillis, remainingWait());
                } else {
                    attempt();
                }
            });
            return;
        }
        if (retryNow) {
            attempt();
            return;
        }
        sleep(pttlMillis, remaining);
    }

    /**
     * Redis is unavailable for now (unreachable, timing out, loading, read-only): a waiter with time
     * left tries again after its backoff, until its own deadline, instead of failing at the first
     * outage. False when no time is left (a zero wait tries once).
     */
    private boolean rideOut(WardenException failure) {
        long remaining;
        synchronized (this) {
            remaining = remainingWait();
            if (waitNanos == 0 || remaining <= 0 || result.isDone()) {
                return false;
            }
            lastOutage = failure;
        }
        log.debug(
                "lock '{}': Redis unavailable while waiting, trying again until the wait ends: {}",
                keys.name(),
                Failures.rootMessage(failure));
        sleep(-1, remaining);
        return true;
    }

    /** The failure of a wait that ended during an outage, naming the outage's last error. */
    private RedisUnavailableException outlasted(WardenException outage) {
        Throwable cause = outage.getCause() != null ? outage.getCause() : outage;
        return new RedisUnavailableException(
                keys.name(),
                wiring.address(),
                "Redis was still unavailable when the wait of " + Duration.ofNanos(waitNanos) + " ended: "
                        + Failures.rootMessage(cause),
                outage);
    }

    private long remainingWait() {
        return waitNanos == Long.MAX_VALUE
                ? Long.MAX_VALUE
                : waitNanos - (wiring.ticker().nanos() - startedAt);
    }

    private void sleep(long pttlMillis, long remainingNanos) {
        synchronized (this) {
            long delay = wiring.settings().waitBackoff().delayNanos(backoffAttempt++);
            if (pttlMillis >= 0) {
                delay = Math.min(delay, TimeUnit.MILLISECONDS.toNanos(pttlMillis + 1));
            }
            delay = Math.min(delay, ticketRefreshNanos); // a fair waiter's ticket must not lapse
            delay = Math.max(0, Math.min(delay, remainingNanos));
            if (result.isDone() || inFlight) {
                return;
            }
            cancelTimer();
            timer = wiring.scheduler().schedule(this::wake, delay);
        }
    }

    private void acquired(LeaseState lease) {
        if (!entry().promote(this, lease)) {
            // Withdrawn while the command ran: give the lock straight back; nobody saw this lease.
            giveBackUnused(lease.token());
            return;
        }
        wiring.metrics().acquisitions.increment();
        wiring.metrics().leasesHeld.increment();
        watchdog.track(lease);
        if (wiring.listeners().active()) {
            wiring.listeners()
                    .acquire(
                            keys.name(),
                            AcquireOutcome.ACQUIRED,
                            wiring.ticker().nanos() - startedAt);
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "acquired lock '{}' (fencing token {}) after {} ms",
                    keys.name(),
                    lease.fence(),
                    TimeUnit.NANOSECONDS.toMillis(wiring.ticker().nanos() - startedAt));
        }
        if (!result.complete(lease)) {
            lease.giveBack(); // cancelled while the lease arrived; never blocks
        }
    }

    /** Owner-checked release of a grant no lease was made of; never blocks, errors only logged. */
    private void giveBackUnused(String token) {
        wiring.store().release(keys, token, 0, true).whenComplete((outcome, error) -> {
            if (error != null) {
                log.debug(
                        "giving back '{}' failed; the key expires with its lease: {}",
                        keys.name(),
                        Failures.rootMessage(error));
            }
        });
    }

    /**
     * A read-write acquisition that gave up takes away what its attempts left (owner-checked by its
     * intent id): a writer its marker, so that readers need not wait for the marker to expire; a
     * reader its registration, so that the next writer need not wait for it. The release scripts
     * recognise the intent id given as the token, which is never a lease's token, and leave every
     * lease alone.
     */
    private void withdrawIntent() {
        LockKeys.Shared shared = keys.shared();
        boolean sent;
        synchronized (this) {
            sent = intentMaySet;
        }
        if (shared != null && !shared.intentId().isEmpty() && sent) {
            giveBackUnused(shared.intentId());
        }
    }

    /**
     * Gives up a fair acquisition's ticket, owner-checked; never blocks, errors only logged (the
     * ticket expires with its lease).
     */
    private void leaveQueue() {
        LockStore.Ticket place = Objects.requireNonNull(ticket, "ticket");
        wiring.store()
                .leaveQueue(keys, place, Objects.requireNonNull(fairToken, "token"))
                .whenComplete((outcome, error) -> {
                    if (error != null) {
                        log.debug(
                                "leaving the queue of '{}' failed; the ticket expires with its lease: {}",
                                keys.name(),
                                Failures.rootMessage(error));
                    }
                });
    }

    /** Ends the acquisition with {@code failure} and passes the gate on. */
    @Override
    public void fail(WardenException failure) {
        if (end(failure) && failure instanceof LockTimeoutException) {
            log.debug("timed out waiting for lock '{}' after {}", keys.name(), Duration.ofNanos(waitNanos));
        }
    }

    /**
     * Withdraws the waiter (interrupt, cancelled future, shutdown). Returns false if the result was
     * already decided; a lease acquired just before is then the caller's to give back.
     */
    boolean cancel() {
        return end(new CancellationException("acquisition of '" + keys.name() + "' cancelled"));
    }

    /**
     * Leaves the local gate, then fails the result: a caller who retries as soon as it sees the
     * failure must find the gate free, not still held by this acquisition.
     */
    private boolean end(Throwable failure) {
        if (result.isDone() || !ending.compareAndSet(false, true)) {
            return false;
        }
        withdraw();
        boolean queued;
        synchronized (this) {
            queued = ticketSent;
        }
        if (ticket != null && queued) {
            leaveQueue();
        }
        if (!result.completeExceptionally(failure)) {
            return false;
        }
        withdrawIntent();
        if (wiring.listeners().active()) {
            wiring.listeners()
                    .acquire(keys.name(), outcome(failure), wiring.ticker().nanos() - startedAt);
        }
        return true;
    }

    private AcquireOutcome outcome(Throwable failure) {
        if (failure instanceof CancellationException) {
            return AcquireOutcome.CANCELLED;
        }
        if (failure instanceof LockTimeoutException) {
            return waitNanos == 0 ? AcquireOutcome.SKIPPED : AcquireOutcome.TIMED_OUT;
        }
        return AcquireOutcome.FAILED;
    }

    /**
     * The watchdog and this lock's gate, as a lease acquired here sees them: the gate itself, which
     * knows the watchdog (not an object of this acquisition, which would keep the acquisition's
     * future, timers and fields reachable for as long as the lease lives).
     */
    private LeaseState.Surroundings surroundings() {
        return entry();
    }

    /** The lock's local gate; set by {@link #begin()}, before any timer, reply or promotion. */
    private LockEntry entry() {
        LockEntry joined = entry;
        if (joined == null) {
            throw new IllegalStateException("acquisition of '" + keys.name() + "' has not begun");
        }
        return joined;
    }

    private void withdraw() {
        if (entry != null) {
            entry.withdraw(this);
        }
    }

    private synchronized void stopTimers() {
        cancelTimer();
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** The holder seen by the last attempt, for skip reports. */
    synchronized @Nullable HolderInfo lastHolder() {
        return lastHolder;
    }
}
