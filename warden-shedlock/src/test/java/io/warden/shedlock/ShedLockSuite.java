package io.warden.shedlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Warden;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.test.support.AbstractExtensibleLockProviderIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ShedLock's own provider contract suite ({@code shedlock-test-support}: lock, skip, lockAtMostFor
 * timeout, lockAtLeastFor, extend, and a fuzz test of 8 threads counting under two locks) against
 * {@link WardenLockProvider}, on a fresh real Redis per test. All of its tests run unchanged but one,
 * whose expectation Warden deliberately does not meet: it is overridden to assert what Warden does
 * instead, for the reason given on it. {@link ShedLockContractTest} runs it with the provider's
 * defaults (watchdog off), {@link ShedLockContractWithWatchdogTest} with the watchdog on.
 */
@WithRedis
abstract class ShedLockSuite extends AbstractExtensibleLockProviderIntegrationTest {
    private final RedisServer server;
    private final Warden warden;
    private final WardenLockProvider provider;

    ShedLockSuite(RedisServer server, boolean watchdog) {
        this.server = server;
        this.warden = Warden.builder()
                .uri(server.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        this.provider = WardenLockProvider.builder(warden).watchdog(watchdog).build();
    }

    @AfterEach
    void closeWarden() {
        warden.close();
    }

    /**
     * The one test of the suite whose expectation Warden deliberately does not meet. It takes a lock
     * with {@code lockAtMostFor} = 2 ms and expects to get it. Warden never hands out a lease that is
     * over before its grant arrives: validity counts from the send, minus a clock-drift allowance of
     * 1% + 2 ms, so a 2 ms lease is never held, and running a task on it would mean running it
     * unprotected (a late grant is given back; see docs/guarantees.md, "Uncertain outcomes").
     * Lowering the allowance does not help: the suite's expectation then holds only when the reply
     * arrives within 2 ms, which a loaded machine does not promise (tried: it failed under load).
     *
     * <p>So this override runs the same scenario and asserts what Warden promises instead: the lock
     * is not handed out, and nothing is left behind. {@link #anExpiredLockCannotBeExtendedAndIsUnlocked}
     * checks the suite's own property (an expired lock cannot be extended, and is unlocked) with a
     * lock Warden can hold.
     */
    @Override
    @Test
    public void shouldNotBeAbleToExtendExpiredLock() {
        assertThat(provider.lock(lockConfig(LOCK_NAME1, Duration.ofMillis(2), Duration.ZERO)))
                .as("a 2 ms lock is over before its grant arrives, so it is never handed out")
                .isEmpty();
        sleepFor(Duration.ofMillis(4));
        assertUnlocked(LOCK_NAME1);
        assertThat(provider.lock(lockConfig(LOCK_NAME1, Duration.ofSeconds(10), Duration.ZERO)))
                .as("the next lock is handed out")
                .isNotEmpty();
    }

    /** The suite's {@code shouldNotBeAbleToExtendExpiredLock}, with a lock that Warden can hold. */
    @Test
    void anExpiredLockCannotBeExtendedAndIsUnlocked() {
        Optional<SimpleLock> lock = provider.lock(lockConfig(LOCK_NAME1, Duration.ofMillis(100), Duration.ZERO));
        assertThat(lock).isNotEmpty();
        sleepFor(Duration.ofMillis(200));

        assertThat(lock.get().extend(Duration.ofSeconds(10), Duration.ZERO)).isEmpty();
        assertUnlocked(LOCK_NAME1);
    }

    @Override
    protected ExtensibleLockProvider getLockProvider() {
        return provider;
    }

    /** Locked: the key exists and has a TTL (ShedLock #65, #105: keys left without one never expire). */
    @Override
    protected void assertLocked(String lockName) {
        Object pttl = server.command("PTTL", key(lockName));
        assertThat((Long) pttl)
                .as("PTTL of %s (-2: no key, -1: no TTL)", key(lockName))
                .isPositive();
    }

    @Override
    protected void assertUnlocked(String lockName) {
        assertThat(server.command("EXISTS", key(lockName)))
                .as("%s exists", key(lockName))
                .isEqualTo(0L);
    }

    private static String key(String lockName) {
        return "warden:{" + lockName + "}";
    }
}
