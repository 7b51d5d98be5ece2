package io.warden.cli;

import io.warden.DistributedSemaphore;
import io.warden.LeaseLostEvent;
import io.warden.LeaseNotHeldException;
import io.warden.LeaseOptions;
import io.warden.LockTimeoutException;
import io.warden.Permit;
import io.warden.WardenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code warden exec --permits N}: runs the command while holding one permit of a semaphore, so at
 * most N runs go on at once across machines. The permit is a lease like the lock's: a lost permit is
 * handled by {@link GuardedCommand} as a lost lock is (--on-lost), and warden then exits with the
 * lease-lost code.
 */
final class PermitRun {
    private final DistributedSemaphore semaphore;
    private final GuardedCommand child;
    private final PrintWriter err;

    PermitRun(DistributedSemaphore semaphore, GuardedCommand child, PrintWriter err) {
        this.semaphore = semaphore;
        this.child = child;
        this.err = err;
    }

    /**
     * Takes a permit (at once if {@code wait} is null), runs the command, gives the permit back
     * (kept until {@code minHold} from the start), and returns warden's exit code.
     */
    int run(@Nullable Duration wait, @Nullable Duration maxHold, Duration minHold, IntSupplier conflict) {
        String name = semaphore.name();
        Permit permit;
        try {
            LeaseOptions options =
                    maxHold != null ? LeaseOptions.defaults().withMaxHold(maxHold) : LeaseOptions.defaults();
            Optional<Permit> taken =
                    wait == null ? semaphore.tryAcquire() : Optional.of(semaphore.acquire(1, wait, options));
            if (taken.isEmpty()) {
                return conflict.getAsInt();
            }
            permit = taken.get();
        } catch (LockTimeoutException e) {
            return conflict.getAsInt();
        } catch (InterruptedException e) {
            return ChildCommands.stoppedOr(child, () -> Problems.report(e, name, err));
        } catch (RuntimeException e) {
            return ChildCommands.stoppedOr(child, () -> Problems.report(e, name, err));
        }
        long started = System.nanoTime();
        child.onAcquired(name, fencingToken(permit));
        permit.onLost(event -> child.onLost(name, event));
        Integer code;
        try {
            code = child.run();
        } catch (IOException e) {
            permit.releaseAsync();
            return ChildCommands.cannotStart(e, child, err);
        }
        Optional<LeaseLostEvent> lost = permit.lostEvent();
        if (lost.isEmpty()) {
            try {
                Duration keep = minHold.minusNanos(System.nanoTime() - started);
                if (keep.compareTo(Duration.ofMillis(1)) >= 0) {
                    permit.release(keep);
                } else {
                    permit.release();
                }
            } catch (LeaseNotHeldException e) {
                lost = permit.lostEvent();
            } catch (WardenException e) {
                // Outcome unknown: the permit expires with its lease; the command's result stands.
                err.println(Problems.about(name, e.redisAddress(), "releasing the permit: " + e.getMessage()));
                err.flush();
            }
        }
        if (lost.isPresent()) {
            LeaseLostEvent event = lost.get();
            err.println(Problems.about(
                    name,
                    semaphore.toString(),
                    "permit lost while the command ran: " + event.cause() + " (" + Durations.humanize(event.detail())
                            + "); " + child.outcomeAfterLoss(String.valueOf(code))));
            err.flush();
            return ExitCodes.LEASE_LOST;
        }
        return code;
    }

    private static long fencingToken(Permit permit) {
        try {
            return permit.fencingToken();
        } catch (IllegalStateException fencingOff) {
            return 0;
        }
    }
}
