package io.warden.internal;

import io.warden.CriticalSection;
import io.warden.HolderInfo;
import io.warden.LeaderElection;
import io.warden.LeaderListener;
import io.warden.LeaderTerm;
import io.warden.Lease;
import io.warden.LeaseLostEvent;
import io.warden.LeaseNotHeldException;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.LossCause;
import io.warden.WardenException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A candidate in a leader election: a campaign loop over {@link DefaultLock#acquireAsync}, owned by
 * this object (so never re-entrant with the caller's threads), that turns each lease won into a
 * {@link LeaderTerm} and each loss or release into the end of that term. Never blocks a thread:
 * campaigns are asynchronous acquisitions, retries are scheduled on the Warden's scheduler, and
 * callbacks run on its callback executor.
 */
final class DefaultLeaderElection implements LeaderElection {
    private static final Logger log = LoggerFactory.getLogger(DefaultLeaderElection.class);
    /** Each campaign waits this long, then starts again; a long wait costs nothing while it sleeps. */
    static final Duration CAMPAIGN_WAIT = Duration.ofMinutes(10);

    private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final DefaultLock lock;
    private final Engine engine;
    private final Duration leaseTime;
    private final LeaseOptions campaignOptions;

    private final Object monitor = new Object();
    // Guarded by monitor.
    private @Nullable LeaderListener listener;
    private boolean closed;
    private @Nullable Term term;
    private @Nullable CompletableFuture<Lease> campaign;
    private Scheduler.@Nullable Cancellable retry;
    private int failures;

    DefaultLeaderElection(DefaultLock lock, Duration leaseTime) {
        this.lock = lock;
        this.engine = lock.engine();
        this.leaseTime = leaseTime;
        this.campaignOptions =
                LeaseOptions.leaseTime(leaseTime).withWatchdog(true).withOwner(this);
    }

    @Override
    public String name() {
        return lock.name();
    }

    @Override
    public void start(LeaderListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (monitor) {
            checkOpen();
            if (this.listener != null) {
                throw new IllegalStateException("leader election '" + name() + "' was already started");
            }
            this.listener = listener;
        }
        campaign();
    }

    @Override
    public boolean isLeader() {
        Term current = current();
        return current != null && current.isActive();
    }

    @Override
    public Optional<LeaderTerm> currentTerm() {
        Term current = current();
        return current != null && current.isActive() ? Optional.of(current) : Optional.empty();
    }

    @Override
    public boolean awaitLeadership(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        synchronized (monitor) {
            if (listener == null) {
                throw new IllegalStateException("leader election '" + name() + "' was not started");
            }
            while (true) {
                Term current = term;
                if (current != null && current.isActive()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
        }
    }

    @Override
    public void resign(Duration holdOff) {
        Objects.requireNonNull(holdOff, "holdOff");
        if (holdOff.isNegative()) {
            throw new IllegalArgumentException(
                    "leader election '" + name() + "': hold-off must not be negative, got " + holdOff);
        }
        Term resigned;
        synchronized (monitor) {
            resigned = term;
            if (resigned == null || !resigned.isActive()) {
                return;
            }
            term = null;
        }
        try {
            end(resigned);
        } finally {
            scheduleCampaign(saturatedNanos(holdOff));
        }
    }

    @Override
    public Optional<HolderInfo> currentLeader() {
        return engine.isClosed()
                ? Optional.empty()
                : new DefaultLockAdmin(engine).inspect(name()).holder();
    }

    @Override
    public <T extends @Nullable Object, E extends Exception> T runAsLeader(Duration wait, CriticalSection<T, E> task)
            throws E, InterruptedException {
        Objects.requireNonNull(task, "task");
        synchronized (monitor) {
            checkOpen();
            if (listener != null) {
                throw new IllegalStateException("leader election '" + name()
                        + "' was started: its terms go to its listener, so runAsLeader cannot take one");
            }
        }
        LeaseHandle lease = (LeaseHandle)
                lock.acquire(wait, LeaseOptions.leaseTime(leaseTime).withWatchdog(true));
        return GuardedCall.run(lease, task, engine.settings().lossPolicy(), engine.address(), () -> 0);
    }

    @Override
    public void close() {
        Term ended;
        CompletableFuture<Lease> pending;
        synchronized (monitor) {
            if (closed) {
                return;
            }
            closed = true;
            ended = term;
            term = null;
            pending = campaign;
            campaign = null;
            if (retry != null) {
                retry.cancel();
                retry = null;
            }
            monitor.notifyAll();
        }
        if (pending != null) {
            pending.cancel(false); // withdraws the waiter; a lease won meanwhile is released
        }
        if (ended != null) {
            try {
                end(ended);
            } catch (WardenException e) {
                // The term is over for this candidate all the same; an unconfirmed release expires.
                log.warn(
                        "leader election '{}' closed; the release of its term was not confirmed, so the lock"
                                + " expires with its lease: {}",
                        name(),
                        e.getMessage());
            }
        }
    }

    // ---- campaign ------------------------------------------------------------------------------

    private void campaign() {
        CompletableFuture<Lease> attempt;
        synchronized (monitor) {
            retry = null;
            Term current = term;
            if (closed || campaign != null || (current != null && current.live()) || engine.isClosed()) {
                return;
            }
            attempt = lock.acquireAsync(CAMPAIGN_WAIT, campaignOptions);
            campaign = attempt;
        }
        // Async even when the attempt is already complete: never the caller's thread (start(), or a
        // scheduler tick), always the callback executor.
        attempt.whenCompleteAsync((lease, error) -> campaigned(attempt, lease, error), engine.wiring()::runCallback);
    }

    private void campaigned(CompletableFuture<Lease> attempt, @Nullable Lease lease, @Nullable Throwable error) {
        Term won;
        LeaderListener told;
        synchronized (monitor) {
            if (campaign == attempt) {
                campaign = null;
            }
            if (error != null || lease == null) {
                won = null;
                told = null;
            } else if (closed) {
                won = null;
                told = null;
                lease.releaseAsync(); // closed while the grant was on its way
                return;
            } else {
                won = new Term(
                        lease, name(), engine.wiring().ticker(), engine.wiring().metrics());
                term = won;
                failures = 0;
                told = listener;
            }
        }
        if (won == null || told == null || lease == null) {
            campaignFailed(error);
            return;
        }
        Term elected = won;
        lease.onLost(event -> lost(elected, event));
        elected.announce(told, () -> {
            synchronized (monitor) {
                monitor.notifyAll(); // awaitLeadership: the term has begun
            }
        });
    }

    private void campaignFailed(@Nullable Throwable error) {
        Throwable cause = error == null ? null : Failures.unwrap(error);
        long delay;
        synchronized (monitor) {
            if (closed || engine.isClosed() || cause instanceof CancellationException) {
                return;
            }
            if (cause instanceof LockTimeoutException) {
                delay = 0; // a campaign's long wait ended: campaign on
            } else {
                delay = Math.min(MAX_RETRY_NANOS, FIRST_RETRY_NANOS << Math.min(failures, 5));
                failures++;
            }
        }
        if (delay > 0) {
            log.warn(
                    "leader election '{}' on {}: campaign failed, trying again in {} ms: {}",
                    name(),
                    engine.address(),
                    TimeUnit.NANOSECONDS.toMillis(delay),
                    cause == null ? "no lease" : Failures.rootMessage(cause));
            scheduleCampaign(delay);
        } else {
            campaign();
        }
    }

    private void scheduleCampaign(long delayNanos) {
        synchronized (monitor) {
            if (closed || engine.isClosed()) {
                return;
            }
            if (retry != null) {
                retry.cancel();
            }
            retry = engine.wiring().scheduler().schedule(this::campaign, delayNanos);
        }
    }

    // ---- the end of a term ---------------------------------------------------------------------

    /** The term's lease was lost: revoke it, then campaign again unless the election or Warden closed. */
    private void lost(Term lostTerm, LeaseLostEvent event) {
        boolean current;
        synchronized (monitor) {
            current = term == lostTerm;
            if (current) {
                term = null;
            }
        }
        lostTerm.revoke(Optional.of(event));
        // A resigned or closed term's loss (a release that found the key gone) starts nothing.
        if (current && event.cause() != LossCause.WARDEN_CLOSED) {
            campaign();
        }
    }

    /**
     * Ends a term given up by this candidate: the listener is told first, so that it stops acting
     * as leader before the release lets another candidate in; then the lease is released. The
     * caller campaigns on.
     */
    private void end(Term ended) {
        ended.revoke(Optional.empty());
        try {
            ended.lease.release();
        } catch (LeaseNotHeldException e) {
            log.debug("leader election '{}': term {} had already ended: {}", name(), ended.fence(), e.getMessage());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }

    private @Nullable Term current() {
        synchronized (monitor) {
            return term;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("leader election '" + name() + "' is closed");
        }
        if (engine.isClosed()) {
            throw new IllegalStateException(
                    "leader election '" + name() + "': Warden on " + engine.address() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "LeaderElection[" + name() + " on " + engine.address() + ", leader=" + isLeader() + "]";
    }

    /**
     * One term: its lease, and whether its listener was told. A term begins (is active, counts for
     * isLeader and awaitLeadership) when its announcement starts. Each term is announced at most once
     * and revoked at most once, and revoked only if announced; a revocation never starts before the
     * announcement it follows has started.
     */
    private static final class Term implements LeaderTerm {
        private static final int NEW = 0;
        private static final int ANNOUNCED = 1;
        private static final int REVOKED = 2;

        final Lease lease;
        private final String electionName;
        private final Ticker ticker;
        private final Metrics metrics;
        private final long startedAt;
        private final AtomicInteger state = new AtomicInteger(NEW);
        private final CountDownLatch announcing = new CountDownLatch(1);
        private volatile @Nullable LeaderListener listener;
        private volatile long endedAt;

        Term(Lease lease, String electionName, Ticker ticker, Metrics metrics) {
            this.lease = lease;
            this.electionName = electionName;
            this.ticker = ticker;
            this.metrics = metrics;
            this.startedAt = ticker.nanos();
        }

        /** Begins the term (it is active from now on) and tells the listener, unless it already ended. */
        void announce(LeaderListener told, Runnable began) {
            listener = told;
            if (!state.compareAndSet(NEW, ANNOUNCED)) {
                return; // lost before it could be announced: neither callback
            }
            announcing.countDown();
            metrics.leaderElections.increment();
            began.run();
            try {
                told.onElected(this);
            } catch (RuntimeException | Error e) {
                log.error("leader election '{}': onElected threw; the term goes on", electionName, e);
            }
        }

        void revoke(Optional<LeaseLostEvent> loss) {
            if (endedAt == 0) {
                endedAt = ticker.nanos();
            }
            if (state.compareAndSet(NEW, REVOKED)) {
                return;
            }
            if (!state.compareAndSet(ANNOUNCED, REVOKED)) {
                return;
            }
            metrics.leaderRevocations.increment();
            awaitAnnouncementStarted();
            LeaderListener told = listener;
            if (told == null) {
                return;
            }
            try {
                told.onRevoked(this, loss);
            } catch (RuntimeException | Error e) {
                log.error("leader election '{}': onRevoked threw", electionName, e);
            }
        }

        /** The announcing thread counts down right after its compare-and-set: a wait of microseconds. */
        private void awaitAnnouncementStarted() {
            boolean interrupted = false;
            while (true) {
                try {
                    announcing.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        long fence() {
            try {
                return lease.fencingToken();
            } catch (IllegalStateException fencingOff) {
                return 0;
            }
        }

        @Override
        public String electionName() {
            return electionName;
        }

        @Override
        public long fencingToken() {
            return lease.fencingToken();
        }

        /** Not over: held, and not (yet) revoked, whether or not it was announced. */
        boolean live() {
            return state.get() != REVOKED && lease.isHeld();
        }

        @Override
        public boolean isActive() {
            return state.get() == ANNOUNCED && lease.isHeld();
        }

        @Override
        public Duration duration() {
            long end = endedAt != 0 ? endedAt : ticker.nanos();
            return Duration.ofNanos(end - startedAt);
        }

        @Override
        public String toString() {
            return "LeaderTerm[" + electionName + ", token " + fence() + (isActive() ? ", active" : ", ended") + "]";
        }
    }
}
