package io.warden.cli.demo;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.warden.testkit.RedisServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Runs the demo against one Redis, under a key prefix of its own ({@code warden-demo-<random>}) whose
 * keys it deletes at the end, so it can share a Redis with anything else.
 */
public final class Demo {
    private final String uri;
    private final PrintStream out;
    private final Timeline timeline;
    private final String prefix = "warden-demo-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

    public Demo(String uri, PrintStream out, Timeline timeline) {
        this.uri = uri;
        this.out = out;
        this.timeline = timeline;
    }

    /**
     * Starts a throwaway redis-server with the test kit: redis-server from WARDEN_REDIS_SERVER or the PATH.
     *
     * @throws IllegalStateException if there is none
     */
    public static RedisServer startThrowawayRedis() {
        return RedisServer.start();
    }

    /** Runs the four scenarios and prints the summary; true if every check passed. */
    public boolean run() throws IOException, InterruptedException {
        Checks checks = new Checks(timeline);
        timeline.log("Redis %s, key prefix '%s' (deleted at the end)", uri, prefix);
        RedisClient client = RedisClient.create(uri);
        Path workDir = Files.createTempDirectory("warden-demo-");
        Scenarios scenarios = new Scenarios(uri, prefix, timeline, checks);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            try {
                scenarios.contention(4, 3);
                scenarios.watchdog();
                scenarios.crash();
                scenarios.pause(connection.sync(), workDir);
            } finally {
                scenarios.close();
                long deleted = deleteKeys(connection.sync());
                timeline.log("cleaned up: deleted %d key(s) under '%s:'", deleted, prefix);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            deleteTree(workDir);
        }
        checks.summary(out);
        return checks.allPassed();
    }

    private long deleteKeys(RedisCommands<String, String> redis) {
        long deleted = 0;
        ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(500);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                deleted += redis.del(page.getKeys().toArray(new String[0]));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
