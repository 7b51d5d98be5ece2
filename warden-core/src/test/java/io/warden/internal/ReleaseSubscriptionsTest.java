package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every member of a channel hears its messages (a read-write lock's gates share one channel). An
 * UNSUBSCRIBE that failed (Redis away) is sent again: the client keeps a channel it could not
 * unsubscribe from and subscribes to it again on reconnect, which left a subscriber behind after a
 * Redis restart in the chaos run.
 */
class ReleaseSubscriptionsTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private final FakeTicker ticker = new FakeTicker();
    private final FakeScheduler scheduler = new FakeScheduler(ticker, 1);
    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final List<java.util.function.Consumer<String>> dispatchers = new ArrayList<>();

    /** A store whose next {@code failures} UNSUBSCRIBEs fail, recording every pub/sub command. */
    private final LockStore store = new ForwardingStore(new MemoryStore(ticker, scheduler)) {
        @Override
        public void onReleaseMessage(java.util.function.Consumer<String> listener) {
            dispatchers.add(listener);
            super.onReleaseMessage(listener);
        }

        @Override
        public CompletableFuture<Void> subscribe(String channel) {
            sent.add("SUBSCRIBE " + channel);
            return super.subscribe(channel);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String channel) {
            sent.add("UNSUBSCRIBE " + channel);
            if (failures.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("connection lost"));
            }
            return super.unsubscribe(channel);
        }
    };

    private final ReleaseSubscriptions subscriptions = new ReleaseSubscriptions(store, scheduler);

    @Test
    void aFailedUnsubscribeIsSentAgainUntilItSucceeds() {
        failures.set(2);
        subscriptions.leave(subscriptions.join("ch", () -> {}));
        scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS + 10 * S);

        assertThat(sent).containsExactly("SUBSCRIBE ch", "UNSUBSCRIBE ch", "UNSUBSCRIBE ch", "UNSUBSCRIBE ch");
    }

    @Test
    void aChannelInUseAgainIsNotUnsubscribedByAnEarlierFailedDrop() {
        failures.set(1);
        subscriptions.leave(subscriptions.join("ch", () -> {}));
        scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS); // the drop's UNSUBSCRIBE fails
        ReleaseSubscriptions.Subscription again = subscriptions.join("ch", () -> {});
        scheduler.runFor(10 * S);

        assertThat(sent).containsExactly("SUBSCRIBE ch", "UNSUBSCRIBE ch", "SUBSCRIBE ch");
        subscriptions.leave(again);
        scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS + S);
        assertThat(sent).endsWith("UNSUBSCRIBE ch");
    }

    @Test
    void aChannelThatNeverUnsubscribesIsGivenUpAfterTheLastAttempt() {
        failures.set(Integer.MAX_VALUE);
        subscriptions.leave(subscriptions.join("ch", () -> {}));
        scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS
                + (ReleaseSubscriptions.UNSUBSCRIBE_ATTEMPTS + 5) * ReleaseSubscriptions.UNSUBSCRIBE_RETRY_NANOS);

        assertThat(sent.stream().filter(c -> c.startsWith("UNSUBSCRIBE")).count())
                .isEqualTo(ReleaseSubscriptions.UNSUBSCRIBE_ATTEMPTS);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void everyMemberOfAChannelIsToldOfEachMessageUntilItLeaves() {
        List<String> heard = new ArrayList<>();
        ReleaseSubscriptions.Subscription writers = subscriptions.join("ch", () -> heard.add("writers"));
        ReleaseSubscriptions.Subscription reader = subscriptions.join("ch", () -> heard.add("reader"));
        subscriptions.join("other", () -> heard.add("other"));
        dispatchers.forEach(d -> d.accept("ch"));
        assertThat(heard).containsExactlyInAnyOrder("writers", "reader");

        heard.clear();
        subscriptions.leave(writers);
        dispatchers.forEach(d -> d.accept("ch"));
        assertThat(heard).containsExactly("reader");
        assertThat(sent).containsExactly("SUBSCRIBE ch", "SUBSCRIBE other");

        subscriptions.leave(reader);
        subscriptions.leave(reader); // again: no effect
        heard.clear();
        dispatchers.forEach(d -> d.accept("ch"));
        assertThat(heard).isEmpty();
        scheduler.runFor(ReleaseSubscriptions.LINGER_NANOS + S);
        assertThat(sent).endsWith("UNSUBSCRIBE ch");
    }
}
