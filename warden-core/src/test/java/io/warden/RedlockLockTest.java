package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.RedisServer;
import io.warden.testkit.RedisServerGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lock contract on Redlock over three independent masters (one group for the class, emptied
 * before each test). A raw command runs on every node; its reply is returned when all nodes agree,
 * else the list of their replies (which no assertion expects, so a disagreement fails the test).
 * TTLs naturally differ by the milliseconds between the nodes' writes: PTTL answers the lowest.
 */
class RedlockLockTest extends LockContract {
    private static RedisServerGroup nodes;

    @BeforeAll
    static void startNodes() {
        nodes = RedisServerGroup.start(3);
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @BeforeEach
    void emptyNodes() {
        nodes.servers().forEach(RedisServer::flushAll);
    }

    @Override
    public Warden.Builder target(Warden.Builder builder) {
        return builder.redlock(nodes.uris());
    }

    /** The most subscribers any node counts: each node should see the one subscription. */
    @Override
    public long subscribers(String channel) {
        long most = 0;
        for (RedisServer node : nodes.servers()) {
            most = Math.max(most, (Long) ((List<?>) node.command("PUBSUB", "NUMSUB", channel)).get(1));
        }
        return most;
    }

    @Override
    public boolean minorityGrantsMintTokens() {
        return true;
    }

    @Override
    public Object redis(String key, String... command) {
        List<Object> replies = new ArrayList<>();
        for (RedisServer node : nodes.servers()) {
            replies.add(node.command(command));
        }
        if (command[0].equalsIgnoreCase("PTTL")) {
            return replies.stream().mapToLong(reply -> (Long) reply).min().orElseThrow();
        }
        return replies.stream().distinct().count() == 1 ? replies.get(0) : replies;
    }

    /** Independent masters cannot agree on a queue order by quorum: refused, naming the lock and why. */
    @Test
    void fairLocksAreRefusedOnRedlockWithAClearError() {
        Warden warden = wardens.open();
        assertThatThrownBy(() -> warden.fairLock("in-line"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("in-line")
                .hasMessageContaining("Redlock");
    }

    @Test
    void readWriteLocksAreRefusedOnRedlockWithAClearErrorAndTheAdminViewsSayNothingIsThere() {
        Warden warden = wardens.open();
        assertThatThrownBy(() -> warden.readWriteLock("catalog"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("catalog")
                .hasMessageContaining("Redlock");
        assertThatThrownBy(() -> warden.admin().inspectReadWrite("catalog"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("catalog");
        assertThat(warden.admin().listReadWrite("")).isEmpty();
    }
}
