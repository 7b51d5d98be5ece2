package io.warden.cli.demo;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.warden.Lease;
import io.warden.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * A worker process of the demo, started as a separate JVM so it can be killed or frozen for real. It
 * reports on stdout, one line per event, for the demo to wait on.
 *
 * <pre>
 * DemoWorker hold   URI PREFIX LOCK LEASE_MS          hold the lock until killed
 * DemoWorker fenced URI PREFIX LOCK LEASE_MS TRIGGER  hold it, check the lease, wait for the TRIGGER
 *                                                     file, then write to the fenced resource
 * </pre>
 */
public final class DemoWorker {
    private DemoWorker() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        String mode = args[0];
        String uri = args[1];
        String prefix = args[2];
        String lockName = args[3];
        Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
        try (Warden warden = Warden.builder()
                .uri(uri)
                .keyPrefix(prefix)
                .defaultLeaseTime(lease)
                .build()) {
            Lease held = warden.lock(lockName).acquire(Duration.ofSeconds(20));
            held.onLost(event -> say("LOST " + event.cause()));
            say("ACQUIRED " + held.fencingToken());
            if (mode.equals("hold")) {
                Thread.sleep(Long.MAX_VALUE);
            } else {
                writeAfterTrigger(uri, prefix, held, Paths.get(args[5]));
            }
        }
    }

    private static void writeAfterTrigger(String uri, String prefix, Lease held, Path trigger) throws Exception {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            FencedResource resource = new FencedResource(connection.sync(), prefix);
            long token = held.fencingToken();
            say("CHECKED held=" + held.isHeld());
            while (!Files.exists(trigger)) {
                Thread.sleep(20);
            }
            FencedResource.Write write = resource.write(
                    token, "written by pid " + ProcessHandle.current().pid());
            say("WRITE " + (write.accepted() ? "accepted" : "refused") + " token=" + token + " highest="
                    + write.highestToken() + " held=" + held.isHeld());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
