package io.warden.shedlock;

import io.warden.RunningTask;
import io.warden.TaskLock;
import io.warden.Warden;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.event.Level;

/**
 * A ShedLock {@link net.javacrumbs.shedlock.core.LockProvider} on Warden: each {@code lock} call
 * starts a {@link TaskLock} run ({@link TaskLock#tryStart()}) with the configuration's {@code
 * lockAtMostFor} and {@code lockAtLeastFor}; {@code unlock} finishes it and {@code extend} moves both
 * bounds ({@link RunningTask#extend}), so ShedLock's {@code LockExtender} works.
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(Warden warden) {
 *     return new WardenLockProvider(warden);
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> {@code lockAtMostFor} is an upper bound even if this node dies: by default
 * Warden's watchdog is off for these runs and the key's TTL is exactly {@code lockAtMostFor} (from
 * when the lock was taken, or last extended). {@code unlock} before {@code lockAtLeastFor} keeps the
 * lock until then. Unlock and extend are owner-checked: a node whose lock already expired never
 * deletes or extends the next holder's lock (ShedLock's Redis providers delete with a plain {@code
 * DEL} unless {@code safeUpdate} is set). Every lock carries a {@link #fencingToken fencing token}.
 * A node that does not get the lock never touches it. {@code lock} never waits.
 *
 * <p><b>Not guaranteed.</b> ShedLock's Redis providers and this one use different keys: nodes on the
 * old provider and nodes on this one do not see each other's locks, so switch every node at once (or
 * accept that a task may run twice during a rolling switch). A lock that Warden cannot hold for
 * any time at all ({@code lockAtMostFor} of a few milliseconds, within Warden's clock-drift allowance
 * of 1% + 2 ms) is never handed out: {@code lock} returns empty and the task is skipped. {@code
 * lockAtMostFor} under 1 ms, a positive {@code lockAtLeastFor} under 1 ms, and either over 3650 days
 * are rejected with {@link IllegalArgumentException}. Times count on this node's monotonic clock from
 * the {@code lock} call, not from {@link LockConfiguration}'s wall-clock {@code createdAt}.
 *
 * <p>Thread-safe; share one instance per {@link Warden}. Closing the {@link Warden} is the caller's
 * job (it releases every lock still held).
 */
public final class WardenLockProvider implements ExtensibleLockProvider {
    private final Warden warden;
    private final boolean watchdog;
    private final Level logLevel;
    private final Map<String, WardenLock> held = new ConcurrentHashMap<>();

    /** A provider with the defaults of {@link #builder(Warden)}. */
    public WardenLockProvider(Warden warden) {
        this(builder(warden));
    }

    private WardenLockProvider(Builder builder) {
        this.warden = builder.warden;
        this.watchdog = builder.watchdog;
        this.logLevel = builder.logLevel;
    }

    /** A builder for a provider on {@code warden}: watchdog off, Warden's task log lines at DEBUG. */
    public static Builder builder(Warden warden) {
        return new Builder(warden);
    }

    /**
     * Takes the lock named by {@code configuration} if it is free, without waiting.
     *
     * @return the lock, or empty if another node (or another thread of this one) holds it
     * @throws IllegalArgumentException if the name or a duration is one Warden does not accept (see
     *     the class comment); the message names the lock
     * @throws io.warden.RedisUnavailableException if Redis could not be asked; the lock was not taken
     */
    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        TaskLock task = warden.task(configuration.getName())
                .lockAtMostFor(configuration.getLockAtMostFor())
                .lockAtLeastFor(configuration.getLockAtLeastFor())
                .watchdog(watchdog)
                .logLevel(logLevel);
        return task.tryStart().map(run -> WardenLock.of(run, held));
    }

    /**
     * The fencing token of the lock this provider holds on {@code lockName} right now, for the task to
     * pass to the resource it writes (which refuses tokens lower than the last it accepted). Tokens
     * strictly increase per name across nodes, releases and expiry.
     *
     * @return the token, or empty if this provider holds no lock on the name (never taken, unlocked,
     *     or lost)
     * @throws IllegalStateException if fencing tokens are disabled for the {@link Warden}
     */
    public OptionalLong fencingToken(String lockName) {
        WardenLock lock = held.get(Objects.requireNonNull(lockName, "lockName"));
        if (lock == null || !lock.run().lease().isHeld()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(lock.run().lease().fencingToken());
    }

    @Override
    public String toString() {
        return "WardenLockProvider[" + warden.redisAddress() + ", watchdog=" + watchdog + "]";
    }

    /** Configuration of a {@link WardenLockProvider}. */
    public static final class Builder {
        private final Warden warden;
        private boolean watchdog;
        private Level logLevel = Level.DEBUG;

        private Builder(Warden warden) {
            this.warden = Objects.requireNonNull(warden, "warden");
        }

        /**
         * With the watchdog on, a lock's key lives for the {@link Warden}'s default lease time and is
         * renewed while the task runs, never past {@code lockAtMostFor}: a node that dies frees its
         * locks after one lease time instead of {@code lockAtMostFor}, and a task that outlives
         * {@code lockAtMostFor} still loses its lock then. But a node that is paused, or cut off from
         * Redis, for longer than the lease loses its lock before {@code lockAtMostFor}. Default off:
         * the key's TTL is {@code lockAtMostFor}, as with ShedLock's own providers.
         */
        public Builder watchdog(boolean enabled) {
            this.watchdog = enabled;
            return this;
        }

        /**
         * Level of Warden's "started / skipped / finished" task log lines. Default DEBUG: ShedLock
         * logs its own.
         */
        public Builder logLevel(Level level) {
            this.logLevel = Objects.requireNonNull(level, "level");
            return this;
        }

        public WardenLockProvider build() {
            return new WardenLockProvider(this);
        }
    }
}
