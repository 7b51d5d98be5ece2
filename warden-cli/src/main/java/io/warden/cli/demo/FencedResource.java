package io.warden.cli.demo;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;

/**
 * A storage that protects itself with fencing tokens: it remembers the highest token that wrote to it
 * and refuses writes that carry a lower one, atomically in one script. This is what makes a lock safe
 * against a holder that was paused past its lease: the lock cannot stop the late write, the resource
 * can.
 */
public final class FencedResource {
    private static final String WRITE_IF_NOT_STALE = """
            -- KEYS[1] highest token accepted, KEYS[2] the data; ARGV[1] token, ARGV[2] value.
            -- Reply: {1, token} if written, {0, highest} if refused as stale.
            -- Tokens are compared as numbers (exact: below 2^53) but returned as the stored text:
            -- tostring() would print a 16-digit token in exponent notation.
            local stored = redis.call('GET', KEYS[1]) or '0'
            if tonumber(ARGV[1]) < tonumber(stored) then
              return {0, stored}
            end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            return {1, ARGV[1]}
            """;

    /** The outcome of a write: accepted, and the highest token the resource has now seen. */
    public record Write(boolean accepted, long highestToken) {}

    private final RedisCommands<String, String> redis;
    private final String tokenKey;
    private final String dataKey;

    public FencedResource(RedisCommands<String, String> redis, String keyPrefix) {
        this.redis = redis;
        this.tokenKey = keyPrefix + ":{resource}:highest-token";
        this.dataKey = keyPrefix + ":{resource}:data";
    }

    public Write write(long fencingToken, String value) {
        List<Object> reply = redis.eval(
                WRITE_IF_NOT_STALE,
                ScriptOutputType.MULTI,
                new String[] {tokenKey, dataKey},
                Long.toString(fencingToken),
                value);
        return new Write(((Long) reply.get(0)) == 1, Long.parseLong(String.valueOf(reply.get(1))));
    }

    public String read() {
        return redis.get(dataKey);
    }
}
