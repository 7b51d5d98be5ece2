package io.warden.chaos;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The resource the lock protects: a register on its own Redis (never behind a fault proxy) that
 * refuses writes with a fencing token lower than the highest it accepted ({@code fenced_write.lua}),
 * and lists the writes it accepted, in order, for the checker.
 */
public final class FencedResource implements AutoCloseable {
    static final String REGISTER_KEY = "chaos:register";
    static final String ACCEPTED_KEY = "chaos:accepted";
    static final String SCRIPT = loadScript();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> commands;
    private final String sha;

    private FencedResource(RedisClient client) {
        this.client = client;
        this.connection = client.connect();
        this.commands = connection.sync();
        this.sha = commands.scriptLoad(SCRIPT);
    }

    /** Connects a writer to the resource's Redis. */
    public static FencedResource connect(String redisUri) {
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofSeconds(2));
        return new FencedResource(RedisClient.create(uri));
    }

    /** Writes as one holder; true if accepted, false if refused as stale. */
    public boolean write(long token, String process, int thread, long holding, long seq) {
        Long reply = commands.evalsha(
                sha,
                ScriptOutputType.INTEGER,
                new String[] {REGISTER_KEY, ACCEPTED_KEY},
                Long.toString(token),
                process,
                Integer.toString(thread),
                Long.toString(holding),
                Long.toString(seq));
        return reply == 1L;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** One accepted write, as listed by the resource. */
    public record AcceptedWrite(long token, String process, int thread, long holding, long seq) {
        /** The holding that wrote it, in the form of {@link Event#holdingId()}. */
        public String holdingId() {
            return process + "/" + thread + "/" + holding;
        }

        static AcceptedWrite parse(String entry) {
            String[] f = entry.split(" ");
            return new AcceptedWrite(
                    Long.parseLong(f[0]), f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
        }

        String toLine() {
            return token + " " + process + " " + thread + " " + holding + " " + seq;
        }
    }

    /** Parses the entries of the accepted list, in order. */
    public static List<AcceptedWrite> parseAccepted(List<?> entries) {
        List<AcceptedWrite> writes = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            writes.add(AcceptedWrite.parse((String) entry));
        }
        return writes;
    }

    private static String loadScript() {
        try (InputStream in = FencedResource.class.getResourceAsStream("fenced_write.lua")) {
            if (in == null) {
                throw new IllegalStateException("fenced_write.lua is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
