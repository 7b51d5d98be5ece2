package io.warden.shedlock;

import io.warden.testkit.RedisServer;

/**
 * ShedLock's provider contract suite with Warden's watchdog on: the key lives for the Warden's lease
 * time and is renewed, never past {@code lockAtMostFor}, so the suite's bounds still hold.
 */
class ShedLockContractWithWatchdogTest extends ShedLockSuite {
    ShedLockContractWithWatchdogTest(RedisServer server) {
        super(server, true);
    }
}
