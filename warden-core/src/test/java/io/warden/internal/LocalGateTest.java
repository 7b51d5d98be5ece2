package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.LeaseOptions;
import io.warden.internal.FakeTimeWardens.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * An acquisition leaves its lock's local gate before its caller sees it fail. Found as rare flakes
 * on real Redis (a tryAcquire right after another's failed tryAcquire returned empty although the
 * lock was free): the failure was delivered first, and a caller retrying at once found the gate
 * still taken by the failed attempt, queued behind it, and with no wait timed out at once.
 */
class LocalGateTest {
    private final FakeTimeWardens w = new FakeTimeWardens();

    @Test
    void aCallerRetryingTheMomentItsAttemptFailedFindsTheGateFree() {
        Node holder = w.node();
        HeldBackAcquires store = new HeldBackAcquires(w.redis.connect());
        Node waiter = w.node(store, UnaryOperator.identity());
        LockKeys keys = waiter.engine().keySpace().keys("gate");
        LeaseState held = acquire(holder.engine(), keys);

        Acquisition first = waiter.engine().acquire(keys, new Object(), false, spec(waiter), 0);
        List<Acquisition> retries = new ArrayList<>();
        // The retry starts inside the failure's completion, as a caller blocked on it would.
        first.result.whenComplete(
                (lease, error) -> retries.add(waiter.engine().acquire(keys, new Object(), false, spec(waiter), 0)));
        held.releaseAsync(0); // the lock is free by the time the first attempt's "held" reply lands
        w.scheduler.runFor(1_000_000L);
        store.deliver(); // "held": the first attempt fails, and the retry starts
        w.scheduler.runFor(1_000_000L);
        store.deliver(); // the retry's reply, if it reached the store at all
        w.scheduler.runFor(1_000_000L);

        assertThat(first.result).isCompletedExceptionally();
        assertThat(retries).hasSize(1);
        assertThat(retries.get(0).result)
                .as("the retry contended instead of queueing behind the failed attempt")
                .isCompletedWithValueMatching(LeaseState::isHeld);
    }

    private static LeaseSpec spec(Node node) {
        return LeaseSpec.of(LeaseOptions.defaults(), node.engine().settings());
    }

    private LeaseState acquire(Engine engine, LockKeys keys) {
        Acquisition acquisition =
                engine.acquire(keys, new Object(), false, LeaseSpec.of(LeaseOptions.defaults(), engine.settings()), 0);
        w.scheduler.runFor(1_000_000L);
        return acquisition.result.join();
    }
}
