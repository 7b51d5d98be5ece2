package io.warden.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Names the Redis keys of locks. All keys of one lock share a Cluster hash tag: the lock key is
 * {@code prefix:{name}}, the fencing counter {@code prefix:{name}:fence}, and the release channel
 * {@code prefix:{name}:released}. The mapping is injective, so distinct names never share a key.
 */
public final class KeySpace {
    /** Longest accepted lock name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 512;

    private final String prefix;

    public KeySpace(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public String prefix() {
        return prefix;
    }

    /** Checks a lock name and returns its keys. */
    public LockKeys keys(String name) {
        validateName(name);
        String lockKey = prefix + ":{" + name + "}";
        return new LockKeys(name, lockKey, lockKey + ":fence", lockKey + ":released");
    }

    /**
     * The lock name of a lock key of this prefix, or null if {@code key} is not one (for example a
     * fencing counter).
     */
    public String nameOf(String key) {
        String head = prefix + ":{";
        if (!key.startsWith(head) || !key.endsWith("}") || key.length() <= head.length() + 1) {
            return null;
        }
        return key.substring(head.length(), key.length() - 1);
    }

    /** A SCAN pattern matching the lock keys whose names start with {@code namePrefix}. */
    public String scanPattern(String namePrefix) {
        return globEscape(prefix + ":{" + namePrefix) + "*}";
    }

    static void validateName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("lock name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("lock name must not be blank, got '" + name + "'");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("lock name '" + name.substring(0, 40) + "...' is " + bytes
                    + " bytes in UTF-8; the limit is " + MAX_NAME_BYTES);
        }
    }

    private static String globEscape(String literal) {
        StringBuilder out = new StringBuilder(literal.length() + 8);
        for (char c : literal.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
