package io.warden.internal;

import io.warden.AcquireOutcome;
import io.warden.LockKeyConflictException;
import io.warden.LockTimeoutException;
import io.warden.PermitCountMismatchException;
import io.warden.RedisUnavailableException;
import io.warden.WardenException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's attempt to take permits of a semaphore, as an asynchronous state machine like the
 * lock's {@link Acquisition}: queue in the semaphore's {@link SemaphoreGate}; as its oldest waiter
 * try the acquire command; if too few permits are free, sleep until a release message, the earliest
 * holder's recorded expiry, the backoff or the deadline, then try again. Never blocks a thread.
 *
 * <p>Uncertain outcomes as for locks: each attempt has its own owner token; a grant that arrives too
 * late to be used, or an attempt whose reply never came, is given back owner-checked, and an
 * outage that may pass is ridden out until the caller's deadline.
 */
final class PermitAcquisition implements SemaphoreGate.Waiter {
    private static final Logger log = LoggerFactory.getLogger(PermitAcquisition.class);

    private final Wiring wiring;
    private final Watchdog watchdog;
    private final SemaphoreGate gate;
    private final SemaphoreKeys keys;
    private final LockStore.PermitRequest request;
    private final LeaseSpec spec;
    private final long waitNanos;
    private final long startedAt;
    final CompletableFuture<LeaseState> result = new CompletableFuture<>();
    private final AtomicBoolean ending = new AtomicBoolean();

    // Guarded by this.
    private boolean inFlight;
    private boolean wakeRequested;
    private boolean subscribed;
    private boolean first;
    /** The gate's releases count when the request in flight was sent, and whether messages reached it. */
    private long sentReleases;

    private boolean sentListening;
    private int backoffAttempt;
    private Scheduler.@Nullable Cancellable timer;
    private Scheduler.@Nullable Cancellable deadline;
    private @Nullable WardenException lastOutage;

    PermitAcquisition(
            Wiring wiring,
            Watchdog watchdog,
            SemaphoreGate gate,
            LockStore.PermitRequest request,
            LeaseSpec spec,
            long waitNanos) {
        this.wiring = wiring;
        this.watchdog = watchdog;
        this.gate = gate;
        this.keys = gate.keys();
        this.request = request;
        this.spec = spec;
        this.waitNanos = waitNanos;
        this.startedAt = wiring.ticker().nanos();
        Futures.onCompletion(result, (state, error) -> stopTimers());
    }

    /** Joins the gate; asks Redis at once if nobody of this process waits before it. */
    void begin() {
        if (waitNanos == 0 && !gate.nobodyWaiting()) {
            fail(timeout()); // older waiters of this process come first, and this one must not wait
            return;
        }
        if (gate.enter(this) == SemaphoreGate.Entered.FIRST) {
            start(SemaphoreGate.UNKNOWN);
        } else if (waitNanos != Long.MAX_VALUE) {
            synchronized (this) {
                if (!result.isDone()) {
                    deadline = wiring.scheduler().schedule(this::deadlineReached, waitNanos);
                }
            }
        }
    }

    private void deadlineReached() {
        boolean waitingBehind;
        synchronized (this) {
            deadline = null;
            waitingBehind = !first;
        }
        if (waitingBehind) {
            fail(timeout());
        } else {
            wake();
        }
    }

    /**
     * This waiter became the oldest: it asks Redis from now on; at once, unless the semaphore was
     * full as of {@code fullAsOf} and nothing was released since: then at the next release (message
     * or a permit of this process ending), or at the backoff's safety-net timer.
     */
    @Override
    public void start(long fullAsOf) {
        synchronized (this) {
            first = true;
        }
        // After first is set: a release from now on wakes this waiter, or is counted below.
        if (fullAsOf != SemaphoreGate.UNKNOWN && gate.releases() == fullAsOf) {
            sleep(-1, remainingWait());
        } else {
            attempt();
        }
    }

    /** A release message arrived, a permit of this process ended, or a timer fired. */
    @Override
    public void wake() {
        boolean isFirst;
        synchronized (this) {
            isFirst = first;
        }
        if (isFirst) {
            attempt();
        }
    }

    private void attempt() {
        WardenException outlasted = null;
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            if (inFlight) {
                wakeRequested = true;
                return;
            }
            if (lastOutage != null && remainingWait() <= 0) {
                outlasted = lastOutage;
            } else {
                inFlight = true;
                wakeRequested = false;
                cancelTimer();
            }
        }
        if (outlasted != null) {
            fail(outlasted(outlasted));
            return;
        }
        // Read before sending: a release counted after this may not be seen by the request.
        long releases = gate.releases();
        boolean listening = gate.listening();
        synchronized (this) {
            sentReleases = releases;
            sentListening = listening;
        }
        String token = OwnerTokens.next();
        long sentAt = wiring.ticker().nanos();
        long ttlNanos = spec.initialTtlNanos();
        LockStore.Stamp stamp = new LockStore.Stamp(
                wiring.identity().host(),
                wiring.identity().pid(),
                LockStore.Minting.of(
                        wiring.settings().fencing(), wiring.settings().fencingTokens()),
                System.currentTimeMillis());
        wiring.store()
                .acquirePermit(keys, request, token, LeaseSpec.toMillisCeil(ttlNanos), stamp)
                .whenComplete((reply, error) -> onReply(token, sentAt, ttlNanos, reply, error));
    }

    private void onReply(
            String token,
            long sentAt,
            long ttlNanos,
            LockStore.@Nullable PermitAcquired reply,
            @Nullable Throwable error) {
        synchronized (this) {
            inFlight = false;
            if (error == null) {
                lastOutage = null;
            }
        }
        if (error != null) {
            WardenException failure = Failures.translate(error, keys.name(), wiring.address(), "acquire permit");
            if (failure instanceof RedisUnavailableException) {
                giveBackUnused(token); // the command may have run before its reply was lost
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
        if (reply instanceof LockStore.PermitGranted granted) {
            granted(token, sentAt, ttlNanos, granted);
        } else if (reply instanceof LockStore.NoPermit full) {
            full(full.retryMillis());
        } else if (reply instanceof LockStore.LimitMismatch mismatch) {
            fail(new PermitCountMismatchException(keys.name(), wiring.address(), mismatch.stored(), request.limit()));
        } else if (reply instanceof LockStore.Foreign foreign) {
            fail(new LockKeyConflictException(keys.name(), wiring.address(), foreign.key(), "type " + foreign.type()));
        }
    }

    private void granted(String token, long sentAt, long ttlNanos, LockStore.PermitGranted grant) {
        long fence = grant.fence();
        LeaseState permit = new LeaseState(
                wiring, keys.permit(token), surroundings(), new Object(), token, fence, sentAt, ttlNanos, spec);
        long now = wiring.ticker().nanos();
        if (!permit.usableAt(now)) {
            log.warn(
                    "semaphore '{}': a grant arrived {} ms after its request, too late for a {} ms lease; gave it back",
                    keys.name(),
                    TimeUnit.NANOSECONDS.toMillis(now - sentAt),
                    TimeUnit.NANOSECONDS.toMillis(ttlNanos));
            giveBackUnused(token);
            if (waitNanos == 0 || remainingWait() <= 0) {
                fail(timeout());
            } else {
                attempt();
            }
            return;
        }
        wiring.metrics().acquisitions.increment();
        wiring.metrics().leasesHeld.increment();
        gate.holding(permit);
        watchdog.track(permit);
        if (!ending.compareAndSet(false, true)) {
            permit.giveBack(); // withdrawn while the grant arrived
            return;
        }
        // Leave the gate before the caller sees the permit: a caller that asks again at once must
        // not find itself queued behind this finished acquisition. If this grant took the last free
        // unit, the next waiter asks only once something was released since this request was sent
        // (and release messages reached the gate then, so none of those releases went unseen).
        long fullAsOf;
        synchronized (this) {
            fullAsOf = grant.free() == 0 && sentListening ? sentReleases : SemaphoreGate.UNKNOWN;
        }
        gate.leave(this, fullAsOf);
        result.complete(permit);
        wiring.listeners()
                .acquire(keys.name(), AcquireOutcome.ACQUIRED, wiring.ticker().nanos() - startedAt);
    }

    private void full(long retryMillis) {
        long remaining;
        boolean retryNow;
        boolean firstTime;
        synchronized (this) {
            remaining = remainingWait();
            retryNow = wakeRequested;
            // Release messages reached the gate before this request was sent: every release after
            // it wakes this waiter, so there is nothing to look at again.
            firstTime = !subscribed && !sentListening;
            subscribed = true;
        }
        if (waitNanos == 0 || remaining <= 0) {
            fail(timeout());
            return;
        }
        if (firstTime) {
            // Look again once subscribed: a release between the try and the subscription would
            // otherwise wait for a timer.
            gate.subscribed().whenComplete((ok, subscribeError) -> {
                if (subscribeError != null) {
                    sleep(retryMillis, remainingWait());
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
        sleep(retryMillis, remaining);
    }

    private boolean rideOut(WardenException failure) {
        long remaining;
        synchronized (this) {
            remaining = remainingWait();
            if (waitNanos == 0 || remaining <= 0 || result.isDone()) {
                return false;
            }
            lastOutage = failure;
        }
        sleep(-1, remaining);
        return true;
    }

    private RedisUnavailableException outlasted(WardenException outage) {
        Throwable cause = outage.getCause() != null ? outage.getCause() : outage;
        return new RedisUnavailableException(
                keys.name(),
                wiring.address(),
                "Redis was still unavailable when the wait of " + Duration.ofNanos(waitNanos) + " ended: "
                        + Failures.rootMessage(cause),
                outage);
    }

    private LockTimeoutException timeout() {
        return new LockTimeoutException(keys.name(), wiring.address(), Duration.ofNanos(waitNanos), null);
    }

    private long remainingWait() {
        return waitNanos == Long.MAX_VALUE
                ? Long.MAX_VALUE
                : waitNanos - (wiring.ticker().nanos() - startedAt);
    }

    private void sleep(long retryMillis, long remainingNanos) {
        synchronized (this) {
            long delay = wiring.settings().waitBackoff().delayNanos(backoffAttempt++);
            if (retryMillis >= 0) {
                delay = Math.min(delay, TimeUnit.MILLISECONDS.toNanos(retryMillis + 1));
            }
            delay = Math.max(0, Math.min(delay, remainingNanos));
            if (result.isDone() || inFlight) {
                return;
            }
            cancelTimer();
            timer = wiring.scheduler().schedule(this::wake, delay);
        }
    }

    private void giveBackUnused(String token) {
        wiring.store().releasePermit(keys, token, request.units(), 0, true).whenComplete((outcome, error) -> {
            if (error != null) {
                log.debug(
                        "giving back a permit of '{}' failed; it expires with its lease: {}",
                        keys.name(),
                        Failures.rootMessage(error));
            }
        });
    }

    /** Ends the acquisition with {@code failure} and lets the next waiter ask. */
    @Override
    public void fail(WardenException failure) {
        end(failure);
    }

    /** Withdraws the waiter; false if the result was already decided. */
    boolean cancel() {
        return end(new CancellationException("acquisition of a permit of '" + keys.name() + "' cancelled"));
    }

    /** Leaves the gate, then fails the result (so a caller retrying at once finds the gate free). */
    private boolean end(Throwable failure) {
        if (result.isDone() || !ending.compareAndSet(false, true)) {
            return false;
        }
        gate.leave(this);
        if (!result.completeExceptionally(failure)) {
            return false;
        }
        AcquireOutcome outcome = failure instanceof CancellationException
                ? AcquireOutcome.CANCELLED
                : failure instanceof LockTimeoutException
                        ? (waitNanos == 0 ? AcquireOutcome.SKIPPED : AcquireOutcome.TIMED_OUT)
                        : AcquireOutcome.FAILED;
        wiring.listeners().acquire(keys.name(), outcome, wiring.ticker().nanos() - startedAt);
        return true;
    }

    private LeaseState.Surroundings surroundings() {
        return new PermitSurroundings(watchdog, gate, wiring, keys, request.units());
    }

    /**
     * A permit's surroundings, as a record rather than an anonymous class: an anonymous class would
     * keep this whole acquisition (its future, timers and fields) reachable for as long as the permit
     * is held.
     */
    private record PermitSurroundings(
            Watchdog watchdog, SemaphoreGate gate, Wiring wiring, SemaphoreKeys keys, int units)
            implements LeaseState.Surroundings {
        @Override
        public void nextEventAt(long at) {
            watchdog.reschedule(at);
        }

        @Override
        public void ended(LeaseState lease) {
            watchdog.forget(lease);
            gate.ended(lease);
        }

        @Override
        public LeaseState.Releaser releaser() {
            // A permit's release also frees its units.
            return (releasing, keepMillis, announce) ->
                    wiring.store().releasePermit(keys, releasing, units, keepMillis, announce);
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
}
