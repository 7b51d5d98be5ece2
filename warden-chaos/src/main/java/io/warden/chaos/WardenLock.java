package io.warden.chaos;

import io.warden.Lease;
import io.warden.Warden;
import java.time.Duration;
import java.util.function.Consumer;

/** The lock under test: Warden with the watchdog and a short lease. */
final class WardenLock implements LockUnderTest {
    private final Warden warden;
    private final String name;

    WardenLock(String redisUri, String name, Duration leaseTime) {
        this.warden = Warden.builder()
                .uri(redisUri)
                .defaultLeaseTime(leaseTime)
                .commandTimeout(Duration.ofSeconds(1))
                .build();
        this.name = name;
    }

    @Override
    public Holding acquire(Duration wait) throws InterruptedException {
        Lease lease = warden.lock(name).acquire(wait);
        return new Holding() {
            @Override
            public long token() {
                return lease.fencingToken();
            }

            @Override
            public boolean isHeld() {
                return lease.isHeld();
            }

            @Override
            public void onLost(Consumer<String> listener) {
                lease.onLost(event -> listener.accept(event.cause().name()));
            }

            @Override
            public void release() {
                lease.release();
            }
        };
    }

    @Override
    public long heldCount() {
        return warden.metrics().leasesHeld();
    }

    @Override
    public void close() {
        warden.close();
    }
}
