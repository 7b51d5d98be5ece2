package io.warden.internal;

import java.time.Duration;

/** The in-memory model against the store contract, on fake time. */
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
}
