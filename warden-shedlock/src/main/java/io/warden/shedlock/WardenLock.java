package io.warden.shedlock;

import io.warden.LeaseNotHeldException;
import io.warden.RedisUnavailableException;
import io.warden.RunningTask;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ShedLock lock: a Warden task run. Usable once: {@link #unlock()} or {@link #extend} (which
 * hands out the next one) ends it, as ShedLock's {@link SimpleLock} contract asks.
 */
final class WardenLock implements SimpleLock {
    private static final Logger log = LoggerFactory.getLogger(WardenLockProvider.class);

    private final RunningTask run;
    private final Map<String, WardenLock> held;
    private final AtomicBoolean used = new AtomicBoolean();

    private WardenLock(RunningTask run, Map<String, WardenLock> held) {
        this.run = run;
        this.held = held;
    }

    /** A lock on a run just started, listed as the provider's current lock on its name. */
    static WardenLock of(RunningTask run, Map<String, WardenLock> held) {
        WardenLock lock = new WardenLock(run, held);
        held.put(run.name(), lock);
        return lock;
    }

    RunningTask run() {
        return run;
    }

    /**
     * Finishes the run: the lock stays until {@code lockAtLeastFor}, owner-checked. A lock that was
     * lost meanwhile (it outlived {@code lockAtMostFor}) or whose release Redis did not confirm is
     * logged, not thrown: either way its key is gone or expires on its own, and the task already ran.
     *
     * @throws IllegalStateException if this lock was already unlocked or extended
     */
    @Override
    public void unlock() {
        claim();
        held.remove(run.name(), this);
        try {
            run.finish();
        } catch (LeaseNotHeldException e) {
            log.warn(
                    "ShedLock lock '{}' was no longer held when the task ended, so another node may have run it"
                            + " meanwhile: {}",
                    run.name(),
                    e.getMessage());
        } catch (RedisUnavailableException e) {
            log.warn(
                    "ShedLock lock '{}': the unlock was not confirmed; the lock expires on its own: {}",
                    run.name(),
                    e.getMessage());
        }
    }

    /**
     * Moves both bounds to count from now ({@link RunningTask#extend}) and returns the lock to use from
     * then on; this one is used up.
     *
     * @return the extended lock, or empty if the lock was no longer held (expired or taken): nothing
     *     of another owner was touched
     * @throws IllegalStateException if this lock was already unlocked or extended
     * @throws IllegalArgumentException if a duration is out of Warden's range; this lock stays usable
     * @throws RedisUnavailableException if Redis did not confirm; this lock stays usable (and held as
     *     long as its confirmed lease lasts), so the extension may be retried or the lock unlocked
     */
    @Override
    public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
        claim();
        try {
            run.extend(lockAtMostFor, lockAtLeastFor);
        } catch (LeaseNotHeldException e) {
            held.remove(run.name(), this);
            endLostRun();
            return Optional.empty();
        } catch (RuntimeException e) {
            used.set(false); // not extended: this lock is still the one to use
            throw e;
        }
        WardenLock next = new WardenLock(run, held);
        held.replace(run.name(), this, next);
        return Optional.of(next);
    }

    /**
     * ShedLock will not unlock a lock whose extension failed (it is used up), so end the run here: a
     * lost lease whose key may still be ours is released, owner-checked, and the run's end is told.
     */
    private void endLostRun() {
        try {
            run.finish();
        } catch (LeaseNotHeldException | RedisUnavailableException expected) {
            log.debug("ShedLock lock '{}' could not be extended: {}", run.name(), expected.getMessage());
        }
    }

    private void claim() {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("ShedLock lock '" + run.name()
                    + "' was already unlocked or extended; use the lock extend returned");
        }
    }

    @Override
    public String toString() {
        return "WardenLock[" + run + "]";
    }
}
