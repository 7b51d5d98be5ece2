package io.warden.internal;

import io.lettuce.core.ScriptOutputType;
import io.warden.HolderInfo;
import io.warden.LockTimeoutException;
import io.warden.WardenException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's attempt to acquire a lock, as an asynchronous state machine: queue locally, then as
 * the contender try the acquire script; if the lock is held, subscribe to its release channel and
 * sleep until a release message, the holder's TTL, the safety-net backoff, or the deadline —
 * whichever comes first — then try again. Never polls in a loop.
 *
 * <p>{@link #result} completes with the lease state, or with {@link LockTimeoutException}, a
 * translated Redis error, or {@link CancellationException}. Whatever ends it, the gate is passed
 * on and nothing is left behind.
 */
final class Acquisition {
    private static final Logger log = LoggerFactory.getLogger(Acquisition.class);

    private final Engine engine;
    private final LockKeys keys;
    private final Object owner;
    private final boolean reentrant;
    private final LeaseSpec spec;
    private final long startedAt;
    private final long waitNanos;
    final CompletableFuture<LeaseState> result = new CompletableFuture<>();

    private volatile LockEntry entry;
    // Guarded by this.
    private boolean inFlight;
    private boolean wakeRequested;
    private boolean subscribed;
    private int backoffAttempt;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> deadline;
    private boolean contending;
    private HolderInfo lastHolder;

    Acquisition(Engine engine, LockKeys keys, Object owner, boolean reentrant, LeaseSpec spec, long waitNanos) {
        this.engine = engine;
        this.keys = keys;
        this.owner = owner;
        this.reentrant = reentrant;
        this.spec = spec;
        this.waitNanos = waitNanos;
        this.startedAt = System.nanoTime();
    }

    Object owner() {
        return owner;
    }

    boolean reentrant() {
        return reentrant;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Joins the lock's local gate; contends at once if the gate is free. */
    void begin() {
        while (true) {
            LockEntry candidate = engine.table().entry(keys);
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
    void reentered(LeaseState lease) {
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
                    keys.name(),
                    engine.address(),
                    Duration.ZERO,
                    local == null ? null : local.describe(engine.identity())));
            return;
        }
        if (waitNanos != Long.MAX_VALUE) {
            synchronized (this) {
                if (!result.isDone()) {
                    deadline = engine.scheduler().schedule(this::deadlineReached, waitNanos, TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    private void deadlineReached() {
        boolean stillQueued;
        synchronized (this) {
            stillQueued = !contending;
        }
        if (stillQueued) {
            LeaseState local = entry.holder();
            fail(new LockTimeoutException(
                    keys.name(),
                    engine.address(),
                    Duration.ofNanos(waitNanos),
                    local == null ? lastHolder() : local.describe(engine.identity())));
        } else {
            wake(); // the contender's next attempt sees the deadline and gives up if still held
        }
    }

    /** This acquisition became the contender. */
    void start() {
        synchronized (this) {
            contending = true;
        }
        attempt();
    }

    /** A release message arrived, or a timer fired: try again (or right after the try in flight). */
    void wake() {
        attempt();
    }

    private void attempt() {
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            if (inFlight) {
                wakeRequested = true;
                return;
            }
            inFlight = true;
            wakeRequested = false;
            cancelTimer();
        }
        String token = OwnerTokens.next();
        long sentAt = System.nanoTime();
        long ttlNanos = spec.initialTtlNanos();
        HostIdentity me = engine.identity();
        engine.backend()
                .<List<Object>>eval(
                        LuaScript.ACQUIRE,
                        ScriptOutputType.MULTI,
                        new String[] {keys.lockKey(), keys.fenceKey()},
                        token,
                        Long.toString(LeaseSpec.toMillisCeil(ttlNanos)),
                        me.host(),
                        Long.toString(me.pid()),
                        engine.settings().fencing() ? "1" : "0",
                        Long.toString(System.currentTimeMillis()))
                .whenComplete((reply, error) -> onReply(token, sentAt, ttlNanos, reply, error));
    }

    private void onReply(String token, long sentAt, long ttlNanos, List<Object> reply, Throwable error) {
        synchronized (this) {
            inFlight = false;
        }
        if (error != null) {
            WardenException failure = Failures.translate(error, keys.name(), engine.address(), "acquire");
            if (failure instanceof io.warden.RedisUnavailableException) {
                // The script may have run before the reply was lost: give back what we may hold.
                engine.releaseQuietly(keys, token);
            }
            fail(failure);
            return;
        }
        if ((Long) reply.get(0) == 1L) {
            acquired(new LeaseState(engine, entry, owner, token, (Long) reply.get(1), sentAt, ttlNanos, spec));
            return;
        }
        long pttlMillis = (Long) reply.get(1);
        HolderInfo holder = HolderParsing.holder(reply, 2);
        long remaining;
        boolean retryNow;
        synchronized (this) {
            lastHolder = holder;
            remaining = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : waitNanos - (System.nanoTime() - startedAt);
            retryNow = wakeRequested;
        }
        if (waitNanos == 0 || remaining <= 0) {
            fail(new LockTimeoutException(keys.name(), engine.address(), Duration.ofNanos(waitNanos), holder));
            return;
        }
        boolean firstContention;
        synchronized (this) {
            firstContention = !subscribed;
            subscribed = true;
        }
        if (firstContention) {
            // Subscribe first, then look again: a release between our try and the subscription
            // would otherwise go unnoticed until the next timer.
            entry.subscribe().whenComplete((ok, subscribeError) -> {
                if (subscribeError != null) {
                    fail(Failures.translate(subscribeError, keys.name(), engine.address(), "subscribe"));
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

    private void sleep(long pttlMillis, long remainingNanos) {
        long delay;
        synchronized (this) {
            delay = engine.settings().waitBackoff().delayNanos(backoffAttempt++);
            if (pttlMillis >= 0) {
                delay = Math.min(delay, TimeUnit.MILLISECONDS.toNanos(pttlMillis + 1));
            }
            delay = Math.min(delay, remainingNanos);
            if (result.isDone() || inFlight) {
                return;
            }
            timer = engine.scheduler().schedule(this::wake, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void acquired(LeaseState lease) {
        if (!entry.promote(this, lease)) {
            // Withdrawn while the script ran: give the lock straight back; nobody saw this lease.
            engine.releaseQuietly(keys, lease.token());
            return;
        }
        engine.leaseAcquired(lease);
        if (log.isDebugEnabled()) {
            log.debug(
                    "acquired lock '{}' (fencing token {}) after {} ms",
                    keys.name(),
                    lease.fence(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        }
        if (!result.complete(lease)) {
            lease.giveBack();
        }
    }

    /** Ends the acquisition with {@code failure} and passes the gate on. */
    void fail(WardenException failure) {
        if (result.completeExceptionally(failure)) {
            if (failure instanceof LockTimeoutException) {
                log.debug("timed out waiting for lock '{}' after {}", keys.name(), Duration.ofNanos(waitNanos));
            }
            finish();
        }
    }

    /**
     * Withdraws the waiter (interrupt, cancelled future, shutdown). Returns false if the result was
     * already decided; a lease acquired just before is then the caller's to give back.
     */
    boolean cancel() {
        if (result.completeExceptionally(new CancellationException("acquisition of '" + keys.name() + "' cancelled"))) {
            finish();
            return true;
        }
        return false;
    }

    private void finish() {
        synchronized (this) {
            cancelTimer();
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
        if (entry != null) {
            entry.withdraw(this);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The holder seen by the last attempt, for skip reports. */
    synchronized HolderInfo lastHolder() {
        return lastHolder;
    }
}
