package io.warden;

import io.warden.testkit.SentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The lock contract through Sentinel: Wardens connect with {@code redis-sentinel://...#master} and
 * find the master by asking the sentinels. One group (master, replica, 3 sentinels) for the class,
 * emptied before each test.
 */
class SentinelLockTest extends LockContract {
    private static SentinelGroup group;

    @BeforeAll
    static void startGroup() {
        group = SentinelGroup.builder().start();
    }

    @AfterAll
    static void stopGroup() {
        if (group != null) {
            group.close();
        }
    }

    @BeforeEach
    void emptyMaster() {
        group.master().flushAll();
    }

    @Override
    public Warden.Builder target(Warden.Builder builder) {
        return builder.uri(group.uri());
    }

    @Override
    public Object redis(String key, String... command) {
        return group.master().command(command);
    }
}
