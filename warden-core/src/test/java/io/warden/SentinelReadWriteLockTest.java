package io.warden;

import io.warden.testkit.SentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The read-write lock contract through Sentinel (one group for the class, emptied before each test). */
class SentinelReadWriteLockTest extends ReadWriteLockContract {
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
