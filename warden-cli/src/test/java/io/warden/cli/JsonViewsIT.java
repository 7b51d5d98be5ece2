package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.Permit;
import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden list --json} and {@code warden status --json} show every primitive, each object with
 * its kind, in the shape docs/cli-json.md documents; lock objects keep every field they had.
 */
@WithRedis
@Timeout(120)
class JsonViewsIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PID = ProcessHandle.current().pid();
    private static final Set<String> LOCK_FIELDS = Set.of(
            "name", "state", "holder", "ttlMillis", "lastFencingToken", "foreignKey", "queued", "kind", "nextInQueue");

    private final RedisServer server;
    private final Cli cli;
    private final Warden warden;

    JsonViewsIT(RedisServer server, @TempDir Path dir) {
        this.server = server;
        this.cli = new Cli(server.uri(), dir);
        this.warden = Warden.builder()
                .uri(server.uri())
                .defaultLeaseTime(Duration.ofSeconds(30))
                .build();
    }

    @AfterEach
    void stop() {
        cli.close();
        warden.close();
    }

    @Test
    void listJsonShowsLocksSemaphoresAndReadWriteLocksEachWithItsKindAndHolders() throws Exception {
        try (Lease lock = warden.lock("backup").acquire(Duration.ZERO);
                Permit two = warden.semaphore("api", 4).acquire(2, Duration.ZERO);
                Permit one = warden.semaphore("api", 4).acquire(Duration.ZERO);
                Lease writer = warden.readWriteLock("catalog").writeLock().acquire(Duration.ZERO);
                Lease reader = warden.readWriteLock("prices").readLock().acquire(Duration.ZERO);
                Lease otherReader = warden.readWriteLock("prices")
                        .readLock()
                        .acquire(Duration.ZERO, LeaseOptions.defaults().withOwner(new Object()));
                Warden other = Warden.connect(server.uri())) {
            CompletableFuture<Lease> waitingWriter =
                    other.readWriteLock("prices").writeLock().acquireAsync(Duration.ofSeconds(60));
            Await.until(
                    "a writer waits",
                    Duration.ofSeconds(10),
                    () -> Long.valueOf(1).equals(server.command("EXISTS", "warden:{prices}:rw:intent")));

            Cli.Run run = cli.run(RUN, "list", "--json");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            JsonNode array = JSON.readTree(run.stdout());
            assertThat(StreamSupport.stream(array.spliterator(), false)
                            .map(node -> node.get("name").asText() + "/"
                                    + node.get("kind").asText())
                            .toList())
                    .containsExactly("api/semaphore", "backup/lock", "catalog/read-write", "prices/read-write");

            JsonNode api = array.get(0);
            assertThat(api.get("state").asText()).isEqualTo("HELD");
            assertThat(api.get("permits").asInt()).isEqualTo(4);
            assertThat(api.get("unitsHeld").asInt()).isEqualTo(3);
            assertThat(api.get("holders")).hasSize(2);
            for (JsonNode holder : api.get("holders")) {
                assertThat(holder.get("units").asInt()).isIn(1, 2);
                assertThat(holder.get("ttlMillis").asLong()).isBetween(1L, 30_000L);
                assertThat(holder.get("holder").get("pid").asLong()).isEqualTo(PID);
                assertThat(holder.get("holder").get("host").asText()).isNotEmpty();
                assertThat(holder.get("holder").get("since").asText()).isNotEmpty();
                long token = holder.get("holder").get("fencingToken").asLong();
                assertThat(token).isEqualTo(holder.get("units").asInt() == 2 ? two.fencingToken() : one.fencingToken());
            }

            JsonNode backup = array.get(1);
            assertThat(fieldNames(backup))
                    .as("a lock keeps every field it had, and gains kind")
                    .isEqualTo(LOCK_FIELDS);
            assertThat(backup.get("state").asText()).isEqualTo("HELD");
            assertThat(backup.get("holder").get("fencingToken").asLong()).isEqualTo(lock.fencingToken());
            assertThat(backup.get("nextInQueue").isNull()).isTrue();

            JsonNode catalog = array.get(2);
            assertThat(catalog.get("state").asText()).isEqualTo("HELD");
            assertThat(catalog.get("writer").get("holder").get("fencingToken").asLong())
                    .isEqualTo(writer.fencingToken());
            assertThat(catalog.get("writer").get("ttlMillis").asLong()).isBetween(1L, 30_000L);
            assertThat(catalog.get("readers")).isEmpty();
            assertThat(catalog.get("waitingWriter").isNull()).isTrue();
            assertThat(catalog.get("foreignKey").isNull()).isTrue();

            JsonNode prices = array.get(3);
            assertThat(prices.get("writer").isNull()).isTrue();
            assertThat(StreamSupport.stream(prices.get("readers").spliterator(), false)
                            .map(share ->
                                    share.get("holder").get("fencingToken").asLong())
                            .toList())
                    .containsExactlyInAnyOrder(reader.fencingToken(), otherReader.fencingToken());
            assertThat(prices.get("waitingWriter").get("holder").get("pid").asLong())
                    .isEqualTo(PID);
            assertThat(prices.get("admittedReaders").asInt()).isZero();
            assertThat(prices.get("waitingReaders").asInt()).isZero();
            assertThat(prices.get("lastFencingToken").asLong()).isGreaterThanOrEqualTo(otherReader.fencingToken());

            Cli.Run filtered = cli.run(RUN, "list", "--json", "p");
            assertThat(StreamSupport.stream(JSON.readTree(filtered.stdout()).spliterator(), false)
                            .map(node -> node.get("name").asText())
                            .toList())
                    .containsExactly("prices");
            waitingWriter.cancel(true);
        }
    }

    @Test
    void statusJsonShowsASemaphoreOrAReadWriteLockWhenNoLockOfThatNameIsHeld() throws Exception {
        try (Permit permit = warden.semaphore("api", 2).acquire(Duration.ZERO);
                Lease reader = warden.readWriteLock("catalog").readLock().acquire(Duration.ZERO)) {
            Cli.Run semaphore = cli.run(RUN, "status", "--json", "api");
            Cli.Run readWrite = cli.run(RUN, "status", "--json", "catalog");
            Cli.Run lock = cli.run(RUN, "status", "--json", "nothing");

            assertThat(semaphore.exitCode()).as(semaphore.stderr()).isZero();
            JsonNode api = JSON.readTree(semaphore.stdout());
            assertThat(api.get("kind").asText()).isEqualTo("semaphore");
            assertThat(api.get("state").asText()).isEqualTo("HELD");
            assertThat(api.get("unitsHeld").asInt()).isEqualTo(1);
            assertThat(api.get("holders")
                            .get(0)
                            .get("holder")
                            .get("fencingToken")
                            .asLong())
                    .isEqualTo(permit.fencingToken());

            assertThat(readWrite.exitCode()).as(readWrite.stderr()).isZero();
            JsonNode catalog = JSON.readTree(readWrite.stdout());
            assertThat(catalog.get("kind").asText()).isEqualTo("read-write");
            assertThat(catalog.get("state").asText()).isEqualTo("HELD");
            assertThat(catalog.get("readers")
                            .get(0)
                            .get("holder")
                            .get("fencingToken")
                            .asLong())
                    .isEqualTo(reader.fencingToken());

            assertThat(lock.exitCode()).isEqualTo(1);
            JsonNode nothing = JSON.readTree(lock.stdout());
            assertThat(nothing.get("kind").asText()).isEqualTo("lock");
            assertThat(fieldNames(nothing)).isEqualTo(LOCK_FIELDS);
        }
        Cli.Run released = cli.run(RUN, "status", "--json", "api");
        assertThat(released.exitCode())
                .as("a semaphore without holders is free")
                .isEqualTo(1);
        assertThat(JSON.readTree(released.stdout()).get("state").asText()).isEqualTo("FREE");
    }

    @Test
    void aSemaphoreKeyWardenDidNotWriteIsFlaggedByListWhichStillExitsZero() throws Exception {
        server.command("SET", "warden:{broken}:sem", "someone's value");

        Cli.Run json = cli.run(RUN, "list", "--json");
        Cli.Run text = cli.run(RUN, "list");
        Cli.Run status = cli.run(RUN, "status", "broken");

        assertThat(json.exitCode()).as(json.stderr()).isZero();
        JsonNode broken = JSON.readTree(json.stdout()).get(0);
        assertThat(broken.get("kind").asText()).isEqualTo("semaphore");
        assertThat(broken.get("state").asText()).isEqualTo("FOREIGN");
        assertThat(broken.get("foreignKey").asText()).isEqualTo("warden:{broken}:sem");
        assertThat(text.exitCode()).as(text.stderr()).isZero();
        assertThat(text.stdout()).contains("not written by Warden: key 'warden:{broken}:sem'");
        assertThat(status.exitCode()).isEqualTo(65);
        assertThat(server.command("GET", "warden:{broken}:sem")).isEqualTo("someone's value");
    }

    private static Set<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return Set.copyOf(names);
    }
}
