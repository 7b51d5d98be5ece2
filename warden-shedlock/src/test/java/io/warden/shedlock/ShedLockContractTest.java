package io.warden.shedlock;

import io.warden.testkit.RedisServer;

/** ShedLock's provider contract suite against the provider's defaults: watchdog off, TTL = lockAtMostFor. */
class ShedLockContractTest extends ShedLockSuite {
    ShedLockContractTest(RedisServer server) {
        super(server, false);
    }
}
