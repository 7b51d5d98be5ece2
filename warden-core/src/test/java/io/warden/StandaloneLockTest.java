package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The lock contract on a single Redis server (a fresh one per test). */
@WithRedis
class StandaloneLockTest extends LockContract {
    private final RedisServer server;

    StandaloneLockTest(RedisServer server) {
        this.server = server;
    }

    @Override
    public Warden.Builder target(Warden.Builder builder) {
        return builder.uri(server.uri());
    }

    @Override
    public Object redis(String key, String... command) {
        return server.command(command);
    }

    @Test
    void anUncontendedAcquireAndReleaseCostExactlyTwoScriptCalls() throws Exception {
        Warden warden = wardens.open();
        warden.lock("warm-up").acquire(Duration.ZERO).release();
        long before = server.commandCalls("evalsha");
        long evalBefore = server.commandCalls("eval");
        Lease lease = warden.lock("two-trips").acquire(Duration.ZERO);
        lease.release();
        assertThat(server.commandCalls("evalsha") - before)
                .as("EVALSHA calls for acquire + release")
                .isEqualTo(2);
        assertThat(server.commandCalls("eval") - evalBefore).isZero();
    }

    @Test
    void afterARestartWithoutPersistenceTheNextTokenExceedsEveryTokenIssuedBefore() throws Exception {
        long highest = takeAndRelease(wardens.open(), "restarted", 5);
        server.killAndRestart(); // no persistence: the lock's counter is gone
        assertThat(server.command("EXISTS", "warden:{restarted}:fence")).isEqualTo(0L);
        try (Lease next = wardens.open().lock("restarted").acquire(Duration.ofSeconds(5))) {
            assertThat(next.fencingToken()).isGreaterThan(highest);
        }
    }

    @Test
    void smallTokensStartAgainAtOneAfterARestartWithoutPersistence() throws Exception {
        // What the opt-out gives up, stated as a test so the documentation cannot overstate it.
        UnaryOperator<Warden.Builder> small = b -> b.fencingTokens(FencingTokens.COUNTER);
        long highest = takeAndRelease(wardens.open(small), "small-restarted", 3);
        assertThat(highest).isEqualTo(3);
        server.killAndRestart();
        try (Lease next = wardens.open(small).lock("small-restarted").acquire(Duration.ofSeconds(5))) {
            assertThat(next.fencingToken()).isEqualTo(1);
        }
    }

    /** Acquires and releases {@code name} {@code times} times; returns the highest token seen. */
    private static long takeAndRelease(Warden warden, String name, int times) throws Exception {
        long highest = 0;
        for (int i = 0; i < times; i++) {
            try (Lease lease = warden.lock(name).acquire(Duration.ofSeconds(2))) {
                assertThat(lease.fencingToken()).isGreaterThan(highest);
                highest = lease.fencingToken();
            }
        }
        return highest;
    }

    @Test
    void noThreadIsCreatedPerLock() throws Exception {
        Warden warden = wardens.open();
        warden.lock("warm-up").acquire(Duration.ZERO).release();
        int threadsBefore = Thread.activeCount();
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            leases.add(warden.lock("many-" + i).acquire(Duration.ZERO));
        }
        assertThat(Thread.activeCount() - threadsBefore).isLessThan(5);
        leases.forEach(Lease::release);
    }
}
