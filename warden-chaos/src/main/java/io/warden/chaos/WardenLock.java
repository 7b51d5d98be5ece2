package io.warden.chaos;

import io.warden.DistributedLock;
import io.warden.LeaderElection;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.Warden;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The lock under test: Warden with the watchdog and a short lease. Only Warden's public API is used,
 * so the suite runs unchanged against any implementation of it.
 *
 * <p>The command timeout (1.5 s) lies between the default lease (1 s) and the long lease (3 s): a
 * nemesis latency whose round trip falls in between turns acquire grants into replies that arrive
 * after their lease ran out, and a Redis pause longer than the command timeout fails a release while
 * a long lease is still valid locally.
 */
final class WardenLock implements LockUnderTest {
    /** Every Redis command of the workers times out after this. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1_500);
    /** The long lease is this many default leases. */
    static final int LONG_LEASE_FACTOR = 3;

    private final Warden warden;
    private final DistributedLock lock;
    private final LeaseOptions longLease;
    private final Duration leaseTime;

    WardenLock(String redisUri, String name, Duration leaseTime) {
        this.warden = Warden.builder()
                .uri(redisUri)
                .defaultLeaseTime(leaseTime)
                .commandTimeout(COMMAND_TIMEOUT)
                .build();
        this.lock = warden.lock(name);
        this.leaseTime = leaseTime;
        this.longLease = LeaseOptions.leaseTime(leaseTime.multipliedBy(LONG_LEASE_FACTOR))
                .withWatchdog(true);
    }

    @Override
    public Holding acquire(Duration wait) throws InterruptedException {
        return holding(lock.acquire(wait));
    }

    @Override
    public Holding acquire(Duration wait, boolean longLease) throws InterruptedException {
        return longLease ? holding(lock.acquire(wait, this.longLease)) : acquire(wait);
    }

    @Override
    public void runLocked(Duration wait, boolean runnable, Runnable body) throws InterruptedException {
        if (runnable) {
            lock.runLocked(wait, body);
        } else {
            lock.callLocked(wait, () -> {
                body.run();
                return null;
            });
        }
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    @Override
    public boolean exercisesAllPaths() {
        return true;
    }

    private static Holding holding(Lease lease) {
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
            public long remainingMillis() {
                return lease.remaining().toMillis();
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

    /** A new candidate of the election of this lock's name (mode {@code leader}), with the default lease. */
    LeaderElection leader() {
        return warden.leader(lock.name(), leaseTime);
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
