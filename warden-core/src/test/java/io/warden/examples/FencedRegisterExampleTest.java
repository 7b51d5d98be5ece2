package io.warden.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.Warden;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's fencing example: a resource that remembers the highest fencing token it accepted
 * and refuses writes with lower ones. Here the resource is a register on a second Redis, updated
 * by one compare-and-set script; any store with a conditional write (SQL {@code UPDATE ... WHERE
 * token <= ?}, an object store precondition) works the same way.
 */
@WithRedis
class FencedRegisterExampleTest {

    /** Writes {@code value} only if {@code token} is not older than the last accepted one. */
    static final class FencedRegister {
        private static final String WRITE_IF_NEWER = """
                local last = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
                if tonumber(ARGV[1]) < last then return 0 end
                redis.call('HSET', KEYS[1], 'token', ARGV[1], 'value', ARGV[2])
                return 1
                """;
        private final RedisServer store;

        FencedRegister(RedisServer store) {
            this.store = store;
        }

        boolean write(long fencingToken, String value) {
            return store.command("EVAL", WRITE_IF_NEWER, "1", "register", Long.toString(fencingToken), value)
                    .equals(1L);
        }
    }

    @Test
    void aStaleHolderIsRefusedByTheResourceEvenAfterItsLeaseExpired(RedisServer locks, RedisServer store)
            throws Exception {
        FencedRegister register = new FencedRegister(store);
        try (Warden slow = Warden.connect(locks.uri());
                Warden fast = Warden.connect(locks.uri())) {
            // A holder with a short lease stalls (think GC pause) past its lease...
            Lease stale = slow.lock("invoice:7").acquire(Duration.ZERO, LeaseOptions.leaseTime(Duration.ofMillis(200)));
            // ...another client acquires and writes with its newer token...
            try (Lease current = fast.lock("invoice:7").acquire(Duration.ofSeconds(5))) {
                assertThat(register.write(current.fencingToken(), "paid")).isTrue();
            }
            // ...and the stale holder's late write is refused by the resource.
            assertThat(register.write(stale.fencingToken(), "draft")).isFalse();
            assertThat(store.command("HGET", "register", "value")).isEqualTo("paid");
        }
    }
}
