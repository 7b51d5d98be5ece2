package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
