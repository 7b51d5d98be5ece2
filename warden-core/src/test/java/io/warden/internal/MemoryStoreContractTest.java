package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory model against the store contract, on fake time; and what only the model has. */
class MemoryStoreContractTest extends StoreContract {
    private FakeScheduler scheduler;
    private MemoryStore memory;

    @Override
    LockStore openStore() {
        scheduler = new FakeScheduler(new FakeTicker(), 7);
        memory = new MemoryStore(scheduler.ticker(), scheduler);
        return memory;
    }

    @Override
    void putForeign(String key, String type) {
        memory.putForeign(key, type);
    }

    @Override
    long pttl(String key) {
        return memory.pttl(key);
    }

    @Override
    boolean exists(String key) {
        return memory.exists(key);
    }

    @Override
    String type(String key) {
        return memory.type(key);
    }

    @Override
    void elapse(Duration duration) {
        scheduler.runFor(duration);
    }

    @Override
    long serverMicros() {
        return memory.timeMicros();
    }

    @Override
    void setString(String key, String value) {
        memory.putString(key, value);
    }

    @Override
    void loseData() {
        memory.flush();
    }

    @Test
    void aServerClockSteppedBackByLessThanTheCountersLeadStillGivesIncreasingTokens() {
        long first = fence(store.acquire(job, "t1", 30_000, CLOCKED));
        get(store.release(job, "t1", 0, true));
        memory.stepClock(-10_000_000); // NTP steps the server's clock 10 s back
        elapse(Duration.ofSeconds(1));
        assertThat(fence(store.acquire(job, "t2", 30_000, CLOCKED)))
                .as("the counter takes over")
                .isEqualTo(first + 1);
    }

    @Test
    void theFloorCannotHelpWhenTheCounterIsLostAndTheClockWentBackFurtherThanTheOutage() {
        // The stated assumption, shown: clocks must agree to within the outage.
        long first = fence(store.acquire(job, "t1", 30_000, CLOCKED));
        get(store.release(job, "t1", 0, true));
        memory.flush();
        memory.stepClock(-10_000_000);
        elapse(Duration.ofSeconds(1));
        assertThat(fence(store.acquire(job, "t2", 30_000, CLOCKED))).isLessThan(first);
    }

    @Test
    void clientsShareTheDataAndEachSubscriberIsTold() {
        MemoryStore second = memory.connect();
        List<String> secondTold = new ArrayList<>();
        second.onReleaseMessage(secondTold::add);
        get(store.subscribe(job.channel()));
        get(second.subscribe(job.channel()));
        assertThat(get(second.acquire(job, "t1", 30_000, A))).isEqualTo(new LockStore.Granted(1));
        assertThat(get(store.acquire(job, "t2", 30_000, B))).isInstanceOf(LockStore.Held.class);
        get(second.release(job, "t1", 0, true));
        assertThat(messages).as("asynchronous").isEmpty();
        scheduler.runReady();
        assertThat(messages).containsExactly(job.channel());
        assertThat(secondTold).containsExactly(job.channel());
        second.close();
        assertThat(second.inspect(job)).isCompletedExceptionally();
    }

    @Test
    void scanPatternsMatchLikeRedis() {
        assertThat(RedisGlob.matches("a*b?c", "axxbyc")).isTrue();
        assertThat(RedisGlob.matches("a[^x]c", "axc")).isFalse();
        assertThat(RedisGlob.matches("a[b-d]e", "ace")).isTrue();
        assertThat(RedisGlob.matches("a\\*", "a*")).isTrue();
        assertThat(RedisGlob.matches("a\\*", "ab")).isFalse();
        assertThat(RedisGlob.matches("warden:\\{x\\[1\\]*}", "warden:{x[1]y}")).isTrue();
    }
}
