package io.warden.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Names the Redis keys of locks. All keys of one lock share a Cluster hash tag: the lock key is
 * {@code prefix:{name}}, the fencing counter {@code prefix:{name}:fence}, and the release channel
 * {@code prefix:{name}:released}. The mapping is injective, so distinct names never share a key.
 *
 * <p>Redis Cluster hashes only the text between the first <code>'&#123;'</code> of a key and the
 * first <code>'&#125;'</code> after it, and only if that text is not empty. The prefix may therefore
 * contain no brace (the first <code>'&#123;'</code> is then the one after it), and a name may not
 * start with <code>'&#125;'</code> (the tag would be empty, each key would be hashed whole, and the
 * three keys would land in different slots: CROSSSLOT). Any other name, braces included, gives the
 * tag "name up to its first <code>'&#125;'</code>", the same for all three keys.
 */
final class KeySpace {
    /** Longest accepted lock name, in UTF-8 bytes. */
    static final int MAX_NAME_BYTES = 512;

    private final String prefix;

    KeySpace(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("key prefix must be free of '{' and '}' (a brace would break the"
                    + " Redis Cluster hash tag that keeps each lock's keys in one slot), got '" + prefix + "'");
        }
    }

    String prefix() {
        return prefix;
    }

    /** Checks a lock name and returns its keys. */
    LockKeys keys(String name) {
        validateName(name);
        String lockKey = prefix + ":{" + name + "}";
        return LockKeys.derived(name, lockKey);
    }

    /** Checks a semaphore name and returns its keys. */
    SemaphoreKeys semaphoreKeys(String name) {
        validateName(name);
        return SemaphoreKeys.of(prefix, name);
    }

    /**
     * The semaphore name whose key (state, holders, counter, or one permit's key) {@code key} is, or
     * null if it is none of a semaphore's keys.
     */
    @Nullable
    String semaphoreNameOf(String key) {
        String head = prefix + ":{";
        if (!key.startsWith(head)) {
            return null;
        }
        int end = key.lastIndexOf("}:sem:p:");
        if (end < 0) {
            for (String suffix : new String[] {"}:sem", "}:sem:holders", "}:sem:fence"}) {
                if (key.endsWith(suffix)) {
                    end = key.length() - suffix.length();
                    break;
                }
            }
        }
        if (end <= head.length()) {
            return null;
        }
        String name = key.substring(head.length(), end);
        return problemWith(name) == null ? name : null;
    }

    /**
     * Checks a name and returns the keys of one side of its read-write lock: {@code prefix:{name}:rw:}
     * followed by {@code w} (the writer's hash), {@code readers} (the readers' sorted set), {@code
     * intent} (a waiting writer's marker), {@code r:<token>} (each reader's hash), {@code waiting} and
     * {@code admitted} (readers registered while they wait: see {@link LockKeys.Shared}), {@code
     * fence}, and the release channels {@code released} (writers wait on it) and {@code released:r}
     * (readers do). None ends with <code>'&#125;'</code>, so none is a plain lock's key, and all share
     * the plain lock's hash tag. A plain lock and a read-write lock of the same name are distinct locks.
     */
    LockKeys readWriteKeys(String name, LockKeys.Role role) {
        validateName(name);
        String base = prefix + ":{" + name + "}:rw:";
        String writersChannel = base + "released";
        String readersChannel = base + "released:r";
        boolean read = role == LockKeys.Role.READ;
        return new LockKeys(
                name,
                base + "w",
                base + "fence",
                read ? readersChannel : writersChannel,
                new LockKeys.Shared(
                        role,
                        base + "readers",
                        base + "intent",
                        base + "r:",
                        base + "waiting",
                        base + "admitted",
                        "",
                        "",
                        read ? writersChannel : readersChannel),
                false);
    }

    /**
     * The keys of {@code name} as a fair lock whose waiters in this Warden are woken on their own
     * channel, {@code prefix:{name}:wake:instance}: a release tells only the process whose ticket
     * is next.
     */
    LockKeys fairKeys(String name, String instance) {
        LockKeys plain = keys(name);
        return plain.fair(plain.lockKey() + ":wake:" + instance);
    }

    /**
     * The lock name of a lock key of this prefix, or null if {@code key} is not one (for example a
     * fencing counter) or is the key of a name {@link #keys} would refuse (such as a name starting with
     * <code>'&#125;'</code>, written by an older version: its lock key expires with its lease). So every name
     * returned is one that the other operations accept.
     */
    @Nullable
    String nameOf(String key) {
        String head = prefix + ":{";
        if (!key.startsWith(head) || !key.endsWith("}") || key.length() <= head.length() + 1) {
            return null;
        }
        String name = key.substring(head.length(), key.length() - 1);
        return problemWith(name) == null ? name : null;
    }

    /**
     * The lock name whose lock key, fencing counter, fair queue or queue ticket {@code key} is, or
     * null if {@code key} is none of these for any name that {@link #keys} accepts.
     */
    @Nullable
    String lockNameOf(String key) {
        String name = nameOf(key);
        if (name == null && key.endsWith("}:fence")) {
            name = nameOf(key.substring(0, key.length() - ":fence".length()));
        }
        if (name == null && key.endsWith("}:queue")) {
            name = nameOf(key.substring(0, key.length() - ":queue".length()));
        }
        int ticket = key.lastIndexOf("}:ticket:");
        if (name == null && ticket > 0 && key.indexOf('}', ticket + 1) < 0) {
            name = nameOf(key.substring(0, ticket + 1));
        }
        return name;
    }

    /**
     * What to call a key of this prefix that no lock name maps to: the text between the braces of
     * <code>prefix:&#123;text&#125;</code>, else the key without {@code prefix:}.
     */
    String strayName(String key) {
        String head = prefix + ":{";
        if (key.startsWith(head) && key.endsWith("}") && key.length() > head.length() + 1) {
            return key.substring(head.length(), key.length() - 1);
        }
        return key.startsWith(prefix + ":") ? key.substring(prefix.length() + 1) : key;
    }

    /**
     * A SCAN pattern matching every key of this prefix ({@code prefix:*}), or with a non-empty {@code
     * namePrefix} every key whose hash-tagged part starts with it: lock keys, fencing counters and
     * whatever else is there.
     */
    String scanAllPattern(String namePrefix) {
        return namePrefix.isEmpty() ? globEscape(prefix + ":") + "*" : globEscape(prefix + ":{" + namePrefix) + "*";
    }

    /**
     * The name of the read-write lock that {@code key} belongs to (any of its keys, a reader's
     * included), or null if it is no read-write lock's key of a name {@link #keys} accepts.
     */
    @Nullable
    String readWriteNameOf(String key) {
        int marker = key.lastIndexOf("}:rw:");
        if (marker < 0) {
            return null;
        }
        String name = nameOf(key.substring(0, marker + 1));
        if (name == null) {
            return null;
        }
        String part = key.substring(marker + "}:rw:".length());
        boolean known = part.equals("w")
                || part.equals("readers")
                || part.equals("intent")
                || part.equals("waiting")
                || part.equals("admitted")
                || part.equals("fence")
                || part.equals("released")
                || part.startsWith("r:");
        return known ? name : null;
    }

    /** A SCAN pattern matching the lock keys whose names start with {@code namePrefix}. */
    String scanPattern(String namePrefix) {
        return globEscape(prefix + ":{" + namePrefix) + "*}";
    }

    static void validateName(String name) {
        String problem = problemWith(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why {@code name} is not an acceptable lock name, or null if it is. */
    private static @Nullable String problemWith(@Nullable String name) {
        if (name == null) {
            return "lock name must not be null";
        }
        if (name.isBlank()) {
            return "lock name must not be blank, got '" + name + "'";
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "lock name '" + name.substring(0, 40) + "...' is " + bytes + " bytes in UTF-8; the limit is "
                    + MAX_NAME_BYTES;
        }
        if (name.charAt(0) == '}') {
            return "lock name '" + name + "' must not start with '}': Redis Cluster hashes only the text between"
                    + " the first '{' and the next '}' of a key (its hash tag), so this lock's key, fencing counter"
                    + " and release channel would get an empty hash tag and land in different slots";
        }
        return null;
    }

    private static String globEscape(String literal) {
        StringBuilder out = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
