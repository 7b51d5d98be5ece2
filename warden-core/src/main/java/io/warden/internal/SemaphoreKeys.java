package io.warden.internal;

/**
 * The Redis keys of one semaphore, all in one Cluster hash slot (the name's hash tag): the state
 * hash {@code prefix:{name}:sem} (limit, units in use), the holders zset {@code
 * prefix:{name}:sem:holders}, one lease key per held permit {@code prefix:{name}:sem:p:TOKEN}, the
 * fencing counter {@code prefix:{name}:sem:fence} and the release channel {@code
 * prefix:{name}:sem:released}. None ends with <code>'&#125;'</code>, so no lock key (which always
 * does) is ever one of them, and a lock and a semaphore may share a name.
 */
record SemaphoreKeys(
        String name, String stateKey, String holdersKey, String permitPrefix, String fenceKey, String channel) {

    static SemaphoreKeys of(String prefix, String name) {
        String base = prefix + ":{" + name + "}:sem";
        return new SemaphoreKeys(name, base, base + ":holders", base + ":p:", base + ":fence", base + ":released");
    }

    /** The keys one permit's lease is renewed and described by: its own key, the semaphore's counter and channel. */
    LockKeys permit(String token) {
        return new LockKeys(name, permitPrefix + token, fenceKey, channel);
    }
}
