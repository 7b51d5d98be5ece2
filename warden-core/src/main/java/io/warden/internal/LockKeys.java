package io.warden.internal;

/** The Redis names of one lock: its hash, its fencing counter, its release channel. */
record LockKeys(String name, String lockKey, String fenceKey, String channel) {}
