package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.Warden;
import io.warden.testkit.RedisCluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every name KeySpace accepts keeps its three keys (lock, fencing counter, release channel) under one
 * Redis Cluster hash tag; the names that could not (starting with '}') and prefixes that would move
 * the tag (with a brace) are refused with the reason.
 */
class KeySpaceTest {
    private final KeySpace keys = new KeySpace("warden");

    /**
     * The part of {@code key} Redis Cluster hashes, exactly as Redis computes it (cluster.c
     * keyHashSlot): the bytes after the first '{' up to the first '}' after it, if that is not empty;
     * otherwise the whole key.
     */
    static String hashedPart(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int open = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int close = open + 1; close < bytes.length; close++) {
                if (bytes[close] == '}') {
                    if (close > open + 1) {
                        return new String(bytes, open + 1, close - open - 1, StandardCharsets.UTF_8);
                    }
                    break;
                }
            }
        }
        return key;
    }

    /** Every string of length 1 to 5 over an alphabet of braces, a separator and letters. */
    static List<String> smallNames() {
        char[] alphabet = {'a', '{', '}', ':', 'é'};
        List<String> names = new ArrayList<>();
        List<String> previous = List.of("");
        for (int length = 1; length <= 5; length++) {
            List<String> next = new ArrayList<>();
            for (String stem : previous) {
                for (char c : alphabet) {
                    next.add(stem + c);
                }
            }
            names.addAll(next);
            previous = next;
        }
        return names;
    }

    static List<String> notableNames() {
        return List.of(
                "orders:42",
                "a",
                "{",
                "{}",
                "{x}",
                "a}",
                "a}b",
                "a{b}c",
                "x}:fence",
                "x}:released",
                "report:{2024}",
                "*",
                "[ab]?\\",
                "名前",
                " leading space",
                "a".repeat(KeySpace.MAX_NAME_BYTES));
    }

    static boolean startsWithClosingBrace(String name) {
        return name.charAt(0) == '}';
    }

    @Test
    void theThreeKeysOfEveryAcceptedNameShareOneNonEmptyHashTag() {
        List<String> names = new ArrayList<>(notableNames());
        names.addAll(smallNames());
        int accepted = 0;
        for (String name : names) {
            if (name.isBlank() || startsWithClosingBrace(name)) {
                continue;
            }
            LockKeys k = keys.keys(name);
            String tag = hashedPart(k.lockKey());
            assertThat(tag)
                    .as("tag of %s", k.lockKey())
                    .isNotEqualTo(k.lockKey())
                    .isNotEmpty();
            assertThat(hashedPart(k.fenceKey())).as("tag of %s", k.fenceKey()).isEqualTo(tag);
            assertThat(hashedPart(k.channel())).as("tag of %s", k.channel()).isEqualTo(tag);
            assertThat(RedisCluster.slotOf(k.fenceKey())).isEqualTo(RedisCluster.slotOf(k.lockKey()));
            assertThat(RedisCluster.slotOf(k.channel())).isEqualTo(RedisCluster.slotOf(k.lockKey()));
            accepted++;
        }
        assertThat(accepted).isGreaterThan(2_000);
    }

    /** A lock's keys keep only the lock key and cut the name from it when asked: it must come back whole. */
    @Test
    void everyAcceptedNameIsReadBackFromItsKeysAndTheirFairForm() {
        List<String> names = new ArrayList<>(notableNames());
        names.addAll(smallNames());
        for (String name : names) {
            if (name.isBlank() || startsWithClosingBrace(name)) {
                continue;
            }
            LockKeys k = keys.keys(name);
            assertThat(k.name()).isEqualTo(name);
            assertThat(k.fair("wake").name()).isEqualTo(name);
            assertThat(k).isEqualTo(keys.keys(name)).hasSameHashCodeAs(keys.keys(name));
        }
        assertThatThrownBy(() -> LockKeys.derived("a", "warden:{b}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNameStartingWithAClosingBraceIsRefusedWithTheReason() {
        for (String name : List.of("}", "}x", "}{x}", "}}", "}:fence")) {
            assertThatThrownBy(() -> keys.keys(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + name + "'")
                    .hasMessageContaining("must not start with '}'")
                    .hasMessageContaining("hash tag");
        }
        // What it would have been: an empty tag, so each key hashed whole, in different slots.
        String lockKey = "warden:{}x}";
        assertThat(hashedPart(lockKey)).isEqualTo(lockKey);
        assertThat(RedisCluster.slotOf(lockKey + ":fence")).isNotEqualTo(RedisCluster.slotOf(lockKey));
    }

    @Test
    void theOtherRulesStillHold() {
        assertThatThrownBy(() -> keys.keys(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.keys(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> keys.keys("x".repeat(513))).hasMessageContaining("512");
    }

    @Test
    void aPrefixWithABraceIsRefusedByKeySpaceAndTheBuilder() {
        for (String prefix : List.of("a{b", "a}b", "{", "}", "app{x}")) {
            assertThatThrownBy(() -> new KeySpace(prefix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(prefix)
                    .hasMessageContaining("hash tag");
            assertThatThrownBy(() -> Warden.builder().keyPrefix(prefix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(prefix)
                    .hasMessageContaining("hash tag");
        }
    }

    @Test
    void theMappingIsInjectiveAndKeysNeverCollideAcrossKinds() {
        Map<String, String> owners = new HashMap<>();
        for (String name : smallNames()) {
            if (name.isBlank() || startsWithClosingBrace(name)) {
                continue;
            }
            LockKeys k = keys.keys(name);
            for (String key : List.of(k.lockKey(), k.fenceKey())) {
                String previous = owners.put(key, name);
                assertThat(previous)
                        .as("%s is a key of both '%s' and '%s'", key, previous, name)
                        .isNull();
            }
        }
    }

    @Test
    void nameOfReadsBackEveryAcceptedNameAndNothingElse() {
        List<String> names = new ArrayList<>(notableNames());
        names.addAll(smallNames());
        for (String name : names) {
            if (name.isBlank() || startsWithClosingBrace(name)) {
                continue;
            }
            LockKeys k = keys.keys(name);
            assertThat(keys.nameOf(k.lockKey())).isEqualTo(name);
            assertThat(keys.nameOf(k.fenceKey())).as(k.fenceKey()).isNull();
        }
        assertThat(keys.nameOf("warden:{}x}"))
                .as("a key an older version wrote for a name now refused is not listed")
                .isNull();
        assertThat(keys.nameOf("other:{x}")).isNull();
        assertThat(keys.nameOf("warden:{}")).isNull();
    }

    @Test
    void scanPatternsMatchTheLockKeysOfNamesWithThePrefixOnly() {
        List<String> names = new ArrayList<>(notableNames());
        names.addAll(smallNames().subList(0, 780)); // lengths 1 to 4
        Set<String> prefixes = new HashSet<>(List.of("", "a", "{", "a}", "*", "[ab]", "名"));
        for (String prefix : prefixes) {
            String pattern = keys.scanPattern(prefix);
            for (String name : names) {
                if (name.isBlank() || startsWithClosingBrace(name)) {
                    continue;
                }
                LockKeys k = keys.keys(name);
                assertThat(globMatches(pattern, k.lockKey()))
                        .as("%s matches %s", pattern, k.lockKey())
                        .isEqualTo(name.startsWith(prefix));
                assertThat(globMatches(pattern, k.fenceKey()))
                        .as("%s matches %s", pattern, k.fenceKey())
                        .isFalse();
            }
        }
    }

    /** Redis glob matching for what scanPattern produces: '*', '?' and backslash escapes. */
    static boolean globMatches(String pattern, String text) {
        return glob(pattern, 0, text, 0);
    }

    private static boolean glob(String p, int pi, String t, int ti) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = ti; k <= t.length(); k++) {
                    if (glob(p, pi + 1, t, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (c == '?') {
                if (ti >= t.length()) {
                    return false;
                }
            } else {
                if (c == '\\' && pi + 1 < p.length()) {
                    c = p.charAt(++pi);
                } else if (c == '[') {
                    throw new IllegalArgumentException("unescaped '[' in " + p);
                }
                if (ti >= t.length() || t.charAt(ti) != c) {
                    return false;
                }
            }
            pi++;
            ti++;
        }
        return ti == t.length();
    }
}
