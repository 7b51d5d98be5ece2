package io.warden;

/** The lock contract held against {@link Warden#fairLock} on a master found through Sentinel. */
class FairSentinelLockTest extends SentinelLockTest {

    @Override
    protected DistributedLock lock(Warden warden, String name) {
        return warden.fairLock(name);
    }

    @Override
    public long subscribers(String channel) {
        return FairLockTest.wakeSubscribers(this, channel, false);
    }
}
