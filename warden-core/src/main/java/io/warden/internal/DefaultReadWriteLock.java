package io.warden.internal;

import io.warden.DistributedLock;
import io.warden.DistributedReadWriteLock;

/** The two sides of a read-write lock, each a {@link DefaultLock} on that side's keys. */
final class DefaultReadWriteLock implements DistributedReadWriteLock {
    private final String name;
    private final DefaultLock read;
    private final DefaultLock write;

    DefaultReadWriteLock(Engine engine, String name) {
        LockKeys readKeys = engine.keySpace().readWriteKeys(name, LockKeys.Role.READ);
        LockKeys writeKeys = engine.keySpace().readWriteKeys(name, LockKeys.Role.WRITE);
        this.name = name;
        this.read = new DefaultLock(engine, readKeys, writeKeys);
        this.write = new DefaultLock(engine, writeKeys, readKeys);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DistributedLock readLock() {
        return read;
    }

    @Override
    public DistributedLock writeLock() {
        return write;
    }

    @Override
    public String toString() {
        return "DistributedReadWriteLock[" + name + "]";
    }
}
