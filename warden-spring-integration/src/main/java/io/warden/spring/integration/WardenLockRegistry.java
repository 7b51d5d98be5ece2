package io.warden.spring.integration;

import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.Warden;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;

/**
 * A Spring Integration {@code LockRegistry} on Warden, for applications that use {@code
 * RedisLockRegistry} today (leader election with {@code LockRegistryLeaderInitiator}, aggregators,
 * idempotent receivers, {@code executeLocked}). Each key is the Warden lock named {@code
 * registryKey + ":" + key}; the registry hands out one {@link java.util.concurrent.locks.Lock} per
 * key.
 *
 * <pre>{@code
 * @Bean
 * WardenLockRegistry lockRegistry(Warden warden) {
 *     return new WardenLockRegistry(warden, "orders");
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> At most one thread holds a key at a time, across every registry with the same
 * {@code registryKey} on the same Redis (and Warden key prefix), as long as Redis keeps its data and
 * no holder is paused past its lease: Warden's guarantees (see its {@code docs/guarantees.md}).
 * Locks are owned by threads and re-entrant; {@code unlock()} by a thread that does not hold the
 * lock throws {@link IllegalMonitorStateException}. Leases are kept alive by Warden's watchdog for
 * as long as they are held, and expire one lease time after a holder dies. Release and renewal are
 * owner-checked: a holder whose lease expired never deletes or renews the next holder's lock.
 * {@link #obtain} returns the same object for the same key until {@link #expireUnusedOlderThan}
 * removes it; objects obtained before and after share their holds.
 *
 * <p><b>Differences from {@code RedisLockRegistry}</b> (Spring Integration 7.0):
 *
 * <ul>
 *   <li>Renewal is on by default, by Warden's watchdog (one thread for all leases, batched);
 *       {@code RedisLockRegistry} renews only when given a {@code TaskScheduler}, and otherwise lets
 *       a lock expire after {@code expireAfter} (60 s) even while it is held. A {@code
 *       TaskScheduler} passed to {@link #setRenewalTaskScheduler} is not used.
 *   <li>A lease lost while held is reported at once to Warden's listeners and logs, not only at
 *       {@code unlock()}; {@code unlock()} then throws {@link
 *       java.util.ConcurrentModificationException}, as {@code RedisLockRegistry} does, with Warden's
 *       {@link io.warden.LeaseNotHeldException} as its cause.
 *   <li>{@code unlock()} by a thread that does not hold the lock throws {@link
 *       IllegalMonitorStateException} (the {@code Lock} contract, as {@code ReentrantLock});
 *       {@code RedisLockRegistry} throws {@link IllegalStateException}.
 *   <li>{@code lock()} rides out a Redis outage (Warden retries until it gets the lock) instead of
 *       failing at once; other failures (authentication, a key holding data Warden did not write)
 *       throw {@link org.springframework.dao.CannotAcquireLockException}, as in {@code
 *       RedisLockRegistry}.
 *   <li>Waiters are woken by Warden's release messages or at the holder's TTL (expiry publishes
 *       nothing); within one Warden they queue in FIFO order and only the head talks to Redis.
 *   <li>Two registries on the same {@link Warden} and {@code registryKey} exclude each other's
 *       threads, but one thread that locks the same key through both re-enters its own hold;
 *       {@code RedisLockRegistry} instances exclude each other even within one thread.
 *   <li>{@link #expireUnusedOlderThan} counts a lock that was obtained and never locked from when it
 *       was obtained (and so removes it); {@code RedisLockRegistry} keeps such locks forever.
 *   <li>{@link #fencingToken} gives the holder a fencing token for the resource it protects.
 *   <li>Keys are Warden's ({@code warden:{registryKey:key}}), not {@code RedisLockRegistry}'s:
 *       nodes on the two registries do not exclude each other during a rolling switch.
 * </ul>
 *
 * <p><b>{@link #renewLock(Object, Duration)}</b> sets the calling thread's lease to expire {@code
 * ttl} from now, owner-checked, and throws {@link IllegalStateException} if the thread does not hold
 * the lock or the lease is gone. The watchdog keeps running: at its next renewal (a third of the
 * TTL later, by default) it sets the TTL back to the lease time, so a renewal can neither shorten
 * nor lengthen a watched lease for long. That is safe (the lease never lapses while held), and
 * renewal is rarely needed at all. {@code lock(ttl)} and {@code tryLock(wait, ttl)} use {@code ttl}
 * as that lock's lease time (watched).
 *
 * <p>Thread-safe. Closing the {@link Warden} is the caller's job; it releases every lease still
 * held.
 */
public final class WardenLockRegistry
        implements ExpirableLockRegistry<DistributedLock>, RenewableLockRegistry<DistributedLock> {
    private final Warden warden;
    private final String registryKey;
    private final LeaseOptions options;
    private final Duration leaseTime;
    private final Holds holds = new Holds();
    private final Map<String, RegistryLock> locks = new ConcurrentHashMap<>();

    /** The lease time of {@link #WardenLockRegistry(Warden, String)}: 30 s, as Warden's own default. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);

    /**
     * Locks named {@code registryKey:key}, with a lease time of {@link #DEFAULT_LEASE_TIME}, watched.
     *
     * @param registryKey the namespace of this registry's keys, like {@code RedisLockRegistry}'s
     */
    public WardenLockRegistry(Warden warden, String registryKey) {
        this(warden, registryKey, DEFAULT_LEASE_TIME);
    }

    /**
     * As {@link #WardenLockRegistry(Warden, String)}, with {@code leaseTime} as the lease time of every
     * lock (watched; {@code RedisLockRegistry}'s {@code expireAfter}): how long a key stays taken
     * after its holder died, and what {@link #renewLock(Object)} renews to.
     *
     * @throws IllegalArgumentException if {@code leaseTime} is under 1 ms or over 3650 days, or
     *     {@code registryKey} is empty
     */
    public WardenLockRegistry(Warden warden, String registryKey, Duration leaseTime) {
        this.warden = Objects.requireNonNull(warden, "warden");
        this.registryKey = Objects.requireNonNull(registryKey, "registryKey");
        if (registryKey.isEmpty()) {
            throw new IllegalArgumentException("registryKey must not be empty");
        }
        this.options = LeaseOptions.leaseTime(leaseTime).withWatchdog(true);
        this.leaseTime = leaseTime;
    }

    /**
     * The lock for {@code lockKey}, which must be a {@link String} (as in {@code RedisLockRegistry}).
     * The same object for the same key, until {@link #expireUnusedOlderThan} removes it. No I/O.
     */
    @Override
    public DistributedLock obtain(Object lockKey) {
        String name = name(lockKey);
        RegistryLock lock = locks.computeIfAbsent(name, n -> new RegistryLock(warden.lock(n), holds, options));
        lock.touch();
        return lock;
    }

    /**
     * Forgets the locks obtained or last acquired more than {@code age} milliseconds ago that no
     * thread holds through this registry; {@link #obtain} then makes new ones. A lock removed while a
     * thread was about to lock it still works, and its holds are the registry's, so nothing is lost.
     */
    @Override
    public void expireUnusedOlderThan(long age) {
        long now = System.nanoTime();
        long ageNanos = TimeUnit.MILLISECONDS.toNanos(age);
        locks.values().removeIf(lock -> now - lock.lastUsedNanos() > ageNanos && !lock.isHeldHere());
    }

    /** {@link #renewLock(Object, Duration)} with the registry's lease time. */
    @Override
    public void renewLock(Object lockKey) {
        renewLock(lockKey, leaseTime);
    }

    @Override
    public void renewLock(Object lockKey, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        String name = name(lockKey);
        RegistryLock lock = locks.get(name);
        if (lock == null) {
            lock = new RegistryLock(warden.lock(name), holds, options);
        }
        lock.renew(ttl);
    }

    /**
     * The fencing token of the calling thread's hold on {@code lockKey}: a number that strictly
     * increases per key across every holder, to pass to the resource the lock protects so that it
     * can refuse a holder that was paused past its lease ({@code RedisLockRegistry} has none). No I/O.
     *
     * @throws IllegalStateException if the calling thread does not hold the lock through this
     *     registry, or the Warden has fencing turned off
     */
    public long fencingToken(Object lockKey) {
        String name = name(lockKey);
        Lease lease = holds.peek(name);
        if (lease == null) {
            throw new IllegalStateException("no fencing token for lock '" + name + "': not held by thread "
                    + Thread.currentThread().getName() + " through this registry");
        }
        return lease.fencingToken();
    }

    private String name(Object lockKey) {
        Objects.requireNonNull(lockKey, "lockKey");
        if (!(lockKey instanceof String key)) {
            throw new IllegalArgumentException(
                    "lock keys must be Strings, got " + lockKey.getClass().getName());
        }
        return registryKey + ":" + key;
    }

    @Override
    public String toString() {
        return "WardenLockRegistry[" + registryKey + " on " + warden + "]";
    }
}
