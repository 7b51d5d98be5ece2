package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warden.Lease;
import io.warden.LockInfo;
import io.warden.Warden;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden status}, {@code list}, {@code unlock} and the help, as separate processes. */
@WithRedis
@Timeout(120)
class AdminIT {
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PID = ProcessHandle.current().pid();

    private final RedisServer server;
    private final Cli cli;
    private final Warden warden;

    AdminIT(RedisServer server, @TempDir Path dir) {
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
    void statusOfAHeldLockNamesItsHolderAndExitsZero() throws Exception {
        try (Lease lease = warden.lock("backup").acquire(Duration.ofSeconds(5))) {
            Cli.Run text = cli.run(RUN, "status", "backup");
            assertThat(text.exitCode()).isZero();
            assertThat(text.stdout()).startsWith("lock 'backup' is held by ").contains("pid " + PID);

            Cli.Run json = cli.run(RUN, "status", "backup", "--json");
            assertThat(json.exitCode()).isZero();
            JsonNode node = JSON.readTree(json.stdout());
            assertThat(node.get("name").asText()).isEqualTo("backup");
            assertThat(node.get("state").asText()).isEqualTo("HELD");
            assertThat(node.get("holder").get("pid").asLong()).isEqualTo(PID);
            assertThat(node.get("holder").get("fencingToken").asLong()).isEqualTo(lease.fencingToken());
            assertThat(node.get("ttlMillis").asLong()).isBetween(1L, 30_000L);
            assertThat(node.get("lastFencingToken").asLong()).isEqualTo(lease.fencingToken());
        }
    }

    @Test
    void aReadWriteLockInUseIsShownByStatusAndListAndRemovedWholeByUnlock() throws Exception {
        Lease first = warden.readWriteLock("catalog").readLock().acquire(Duration.ZERO);
        Lease second = warden.readWriteLock("catalog")
                .readLock()
                .acquire(Duration.ZERO, io.warden.LeaseOptions.defaults().withOwner(new Object()));
        Cli.Run status = cli.run(RUN, "status", "catalog");
        assertThat(status.exitCode()).isZero();
        assertThat(status.stdout())
                .startsWith("read-write lock 'catalog' is read by 2 readers: ")
                .contains("pid " + PID);
        Cli.Run list = cli.run(RUN, "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.stdout())
                .contains("read-write lock 'catalog' is read by 2 readers")
                .doesNotContain("not written");
        Cli.Run unlock = cli.run(RUN, "unlock", "--force", "catalog");
        assertThat(unlock.exitCode()).isZero();
        assertThat(unlock.stdout())
                .startsWith("removed (writer, readers, waiting writer and waiting readers of) read-write lock");
        assertThat(warden.admin().inspectReadWrite("catalog").isHeld()).isFalse();
        assertThat(cli.run(RUN, "status", "catalog").exitCode()).isEqualTo(1);
        assertThat(first.fencingToken()).isLessThan(second.fencingToken());
    }

    @Test
    void statusAndListShowAFairLocksQueueAndItsNextWaiter() throws Exception {
        try (Lease lease = warden.fairLock("settle").acquire(Duration.ofSeconds(5));
                Warden other = Warden.builder().uri(server.uri()).build()) {
            java.util.concurrent.CompletableFuture<Lease> waiting =
                    other.fairLock("settle").acquireAsync(Duration.ofSeconds(60));
            io.warden.testkit.Await.until(
                    "queued",
                    Duration.ofSeconds(10),
                    () -> Long.valueOf(1).equals(server.command("ZCARD", "warden:{settle}:queue")));
            Cli.Run text = cli.run(RUN, "status", "settle");
            assertThat(text.exitCode()).isZero();
            assertThat(text.stdout())
                    .contains("1 waiting in its fair queue, next ")
                    .contains("pid " + PID);
            Cli.Run json = cli.run(RUN, "status", "settle", "--json");
            assertThat(JSON.readTree(json.stdout()).get("queued").asLong()).isEqualTo(1);
            Cli.Run list = cli.run(RUN, "list");
            assertThat(list.stdout()).contains("settle").contains("(1 queued)");
            waiting.cancel(true);
        }
    }

    @Test
    void statusOfAFreeLockExitsOne() throws Exception {
        Cli.Run text = cli.run(RUN, "status", "nothing");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.stdout()).startsWith("lock 'nothing' is free");

        Cli.Run json = cli.run(RUN, "status", "--json", "nothing");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode node = JSON.readTree(json.stdout());
        assertThat(node.get("state").asText()).isEqualTo("FREE");
        assertThat(node.get("holder").isNull()).isTrue();
    }

    @Test
    void statusOfAKeyWardenDidNotWriteExits65() {
        server.command("SET", "warden:{foreign}", "x");
        assertThat(cli.run(RUN, "status", "foreign").exitCode()).isEqualTo(65);
    }

    @Test
    void listShowsTheHeldLocksOfTheKeyPrefixFilteredByNamePrefix() throws Exception {
        try (Lease a = warden.lock("jobs:a").acquire(Duration.ofSeconds(5));
                Lease b = warden.lock("jobs:b").acquire(Duration.ofSeconds(5));
                Lease other = warden.lock("other").acquire(Duration.ofSeconds(5))) {
            assertThat(List.of(a, b, other)).allMatch(Lease::isHeld);
            Cli.Run all = cli.run(RUN, "list", "--json");
            assertThat(all.exitCode()).isZero();
            JsonNode array = JSON.readTree(all.stdout());
            assertThat(names(array)).containsExactly("jobs:a", "jobs:b", "other");
            assertThat(array.get(0).get("holder").get("pid").asLong()).isEqualTo(PID);

            Cli.Run jobs = cli.run(RUN, "list", "jobs:");
            assertThat(jobs.exitCode()).isZero();
            assertThat(jobs.stdout().lines().toList())
                    .hasSize(3)
                    .first()
                    .asString()
                    .startsWith("NAME");
            assertThat(jobs.stdout()).contains("jobs:a", "jobs:b").doesNotContain("other");

            Cli.Run elsewhere = cli.run(RUN, "list", "--prefix", "elsewhere", "--json");
            assertThat(JSON.readTree(elsewhere.stdout()).size()).isZero();
        }
        Cli.Run none = cli.run(RUN, "list");
        assertThat(none.exitCode()).isZero();
        assertThat(none.stdout()).startsWith("no locks held");
    }

    @Test
    void unlockNeedsForceAndThenRemovesTheLockSayingWhoseItWas() throws Exception {
        try (Lease lease = warden.lock("stuck").acquire(Duration.ofSeconds(5))) {
            Cli.Run refused = cli.run(RUN, "unlock", "stuck");
            assertThat(refused.exitCode()).isEqualTo(64);
            assertThat(refused.stderr()).startsWith("warden: unlock needs --force");
            assertThat(warden.admin().inspect("stuck").state()).isEqualTo(LockInfo.State.HELD);

            Cli.Run forced = cli.run(RUN, "unlock", "--force", "stuck");
            assertThat(forced.exitCode()).isZero();
            assertThat(forced.stdout())
                    .startsWith("removed lock 'stuck' held by ")
                    .contains("pid " + PID, "fencing token " + lease.fencingToken());
            assertThat(cli.run(RUN, "status", "stuck").exitCode()).isEqualTo(1);
            assertThat(cli.run(RUN, "unlock", "--force", "stuck").exitCode()).isEqualTo(1);
        } catch (io.warden.LeaseNotHeldException expected) {
            // Closing the lease whose key was force-removed reports that it was no longer held.
        }
    }

    @Test
    void aKeyWithoutHolderOrExpiryShowsNoExpiryAndUnlockSaysItRemovedIt() throws Exception {
        server.command("HSET", "warden:{bare}", "owner", "not-from-warden");

        Cli.Run status = cli.run(RUN, "status", "bare");
        assertThat(status.stdout()).contains("no expiry").doesNotContain("0ms");
        assertThat(JSON.readTree(cli.run(RUN, "status", "--json", "bare").stdout())
                        .get("ttlMillis")
                        .asLong())
                .isEqualTo(-1);
        assertThat(cli.run(RUN, "list").stdout()).contains("no expiry");

        Cli.Run unlock = cli.run(RUN, "unlock", "--force", "bare");

        assertThat(unlock.exitCode()).isZero();
        assertThat(unlock.stdout()).startsWith("removed lock 'bare', whose key named no holder");
        assertThat(server.command("EXISTS", "warden:{bare}")).isEqualTo(0L);
    }

    @Test
    void listShowsEveryKeyUnderThePrefixFlaggingWhatWardenDidNotWriteInsteadOfFailing() throws Exception {
        String oversized = "z".repeat(600);
        server.command("SET", "warden:{" + oversized + "}", "stray");
        server.command("SET", "warden:{garbage}:fence", "not-a-number");
        server.command("RPUSH", "warden:{listed}:fence", "x");
        server.command("SET", "warden:{plain}", "someone's value");
        server.command("SET", "warden:stray", "x");
        server.command("SET", "elsewhere:{other}", "not under the prefix");
        try (Lease lease = warden.lock("real").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.isHeld()).isTrue();

            Cli.Run text = cli.run(RUN, "list");
            Cli.Run json = cli.run(RUN, "list", "--json");

            assertThat(text.exitCode()).as(text.stderr()).isZero();
            assertThat(text.stdout()).contains("real", "garbage", "listed", "plain", "stray", "zzzzzzzzzz");
            assertThat(text.stdout()).doesNotContain("elsewhere");
            assertThat(text.stdout().lines().filter(line -> line.contains("not written by Warden")))
                    .as(text.stdout())
                    .hasSize(5);
            assertThat(text.stdout().lines().filter(line -> line.contains("fencing counter")))
                    .hasSize(2);
            assertThat(text.stdout().lines().filter(line -> line.contains("name over 512 bytes")))
                    .hasSize(1);
            assertThat(json.exitCode()).isZero();
            JsonNode array = JSON.readTree(json.stdout());
            assertThat(array.size()).isEqualTo(6);
            for (JsonNode node : array) {
                boolean real = node.get("name").asText().equals("real");
                assertThat(node.get("state").asText()).isEqualTo(real ? "HELD" : "FOREIGN");
                assertThat(node.get("foreignKey").isNull()).isEqualTo(real);
            }
        }
    }

    @Test
    void statusOfALockWhoseFencingCounterHoldsGarbageSaysSoAndExits65LikeExec() {
        server.command("SET", "warden:{garbage}:fence", "not-a-number");

        Cli.Run status = cli.run(RUN, "status", "garbage");
        Cli.Run json = cli.run(RUN, "status", "--json", "garbage");
        Cli.Run exec = cli.run(RUN, "exec", "garbage", "--", "true");

        assertThat(status.exitCode()).isEqualTo(65);
        assertThat(status.stdout())
                .startsWith("lock 'garbage': its fencing counter 'warden:{garbage}:fence' holds data Warden"
                        + " did not write");
        assertThat(json.exitCode()).isEqualTo(65);
        assertThat(json.stdout()).contains("\"state\":\"FOREIGN\"", "\"foreignKey\":\"warden:{garbage}:fence\"");
        assertThat(exec.exitCode()).isEqualTo(65);
        assertThat(server.command("GET", "warden:{garbage}:fence")).isEqualTo("not-a-number");
    }

    @Test
    void aNewlineInALockNameKeepsTheTableAndStatusOneLinePerLock() throws Exception {
        try (Lease lease = warden.lock("two\nlines").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.isHeld()).isTrue();

            Cli.Run list = cli.run(RUN, "list");
            Cli.Run status = cli.run(RUN, "status", "two\nlines");

            assertThat(list.stdout().lines()).as(list.stdout()).hasSize(2);
            assertThat(list.stdout()).contains("two\\nlines");
            assertThat(status.stdout().lines()).as(status.stdout()).hasSize(1);
            assertThat(status.stdout()).startsWith("lock 'two\\nlines' is held by ");
        }
    }

    @Test
    void redisUrlIsTheFallbackAfterWardenRedisUrl() {
        cli.env("WARDEN_REDIS_URL", null).env("REDIS_URL", server.uri());
        assertThat(cli.run(RUN, "status", "x").exitCode()).isEqualTo(1);
    }

    @Test
    void unreachableRedisExits69ForEveryCommand() {
        cli.env("WARDEN_REDIS_URL", "redis://127.0.0.1:1");
        for (List<String> args : List.of(List.of("status", "x"), List.of("list"), List.of("unlock", "--force", "x"))) {
            Cli.Run run = cli.run(RUN, args.toArray(String[]::new));
            assertThat(run.exitCode()).as("%s", args).isEqualTo(69);
            assertThat(run.stderr().lines()).as("%s", args).hasSize(1);
            assertThat(run.stderr()).as("%s", args).startsWith("warden: ").contains("127.0.0.1:1");
        }
    }

    /** Issue 15: a password given only in the URI shows in ps; the environment keeps it off the command line. */
    @Test
    void thePasswordCanComeFromTheEnvironmentForTheUrisUser() {
        server.command("ACL", "SETUSER", "locker", "on", ">s3cret", "~*", "&*", "+@all");
        // The default user may not touch Warden's keys: only logging in as locker reaches them.
        server.command("ACL", "SETUSER", "default", "resetkeys", "~other:*");
        String uri = "redis://locker@127.0.0.1:" + server.port();

        Cli.Run without = cli.run(RUN, "status", "free-lock", "--redis", uri);
        assertThat(without.exitCode()).as(without.stderr()).isEqualTo(77);

        cli.env("WARDEN_REDIS_PASSWORD", "s3cret");
        Cli.Run with = cli.run(RUN, "status", "free-lock", "--redis", uri);
        assertThat(with.exitCode()).as(with.stderr()).isEqualTo(1); // reached Redis as locker: free
        Cli.Run wrong =
                cli.run(RUN, "status", "free-lock", "--redis", "redis://locker:wrong@127.0.0.1:" + server.port());
        assertThat(wrong.exitCode()).as("a password in the URI wins").isEqualTo(77);
        assertThat(wrong.stderr()).doesNotContain("s3cret").doesNotContain("wrong@");
    }

    /** Issue 15: the command timeout was fixed at 3 s, a URI's own ignored. */
    @Test
    void aRedisThatHangsIsGivenUpAfterTheTimeoutAskedForWithTheOptionOrTheUri() {
        server.pause(); // accepts connections, never answers
        try {
            long start = System.nanoTime();
            Cli.Run option = cli.run(RUN, "status", "x", "--timeout", "300ms");
            assertThat(option.exitCode()).as(option.stderr()).isEqualTo(69);
            long optionMillis = (System.nanoTime() - start) / 1_000_000;

            cli.env("WARDEN_REDIS_URL", server.uri() + "?timeout=300ms");
            long uriStart = System.nanoTime();
            Cli.Run uri = cli.run(RUN, "status", "x");
            assertThat(uri.exitCode()).as(uri.stderr()).isEqualTo(69);
            long uriMillis = (System.nanoTime() - uriStart) / 1_000_000;

            // The JVM's start takes its share; the 3 s default alone would exceed these bounds.
            assertThat(optionMillis).as("--timeout 300ms").isLessThan(2_800);
            assertThat(uriMillis).as("?timeout=300ms").isLessThan(2_800);
        } finally {
            server.resume();
        }
    }

    @Test
    void refusedCredentialsOrAclExit77AndAMissingDatabase78NotUnreachable() {
        server.command("ACL", "SETUSER", "limited", "on", ">pw", "~other:*", "+@all");
        String address = "127.0.0.1:" + server.port();
        try {
            for (List<String> args : List.of(List.of("status", "x"), List.of("exec", "-n", "x", "--", "true"))) {
                for (String uri : List.of("redis://nobody:wrong@" + address, "redis://limited:pw@" + address)) {
                    Cli.Run run = cli.env("WARDEN_REDIS_URL", uri).run(RUN, args.toArray(String[]::new));
                    assertThat(run.exitCode())
                            .as("%s %s: %s", uri, args, run.stderr())
                            .isEqualTo(77);
                    assertThat(run.stderr().lines()).hasSize(1);
                }
                Cli.Run database = cli.env("WARDEN_REDIS_URL", "redis://" + address + "/99")
                        .run(RUN, args.toArray(String[]::new));
                assertThat(database.exitCode())
                        .as("%s: %s", args, database.stderr())
                        .isEqualTo(78);
                assertThat(database.stderr()).contains("DB index is out of range");
            }
        } finally {
            server.command("ACL", "DELUSER", "limited");
        }
    }

    @Test
    void aMalformedRedisUriIsAUsageErrorNotUnreachable() {
        for (String uri : List.of("redis://:6550", "redis://127.0.0.1:notaport", "redis://user:secret@:6550")) {
            Cli.Run run = cli.run(RUN, "status", "--redis", uri, "x");
            assertThat(run.exitCode()).as("%s: %s", uri, run.stderr()).isEqualTo(64);
            assertThat(run.stderr()).startsWith("warden: not a Redis URI: ").doesNotContain("secret");
        }
        Cli.Run exec = cli.env("WARDEN_REDIS_URL", "redis://:6550").run(RUN, "exec", "x", "--", "touch", "ran");
        assertThat(exec.exitCode()).isEqualTo(64);
        assertThat(cli.dir().resolve("ran")).doesNotExist();
    }

    @Test
    void helpDocumentsEveryCommandWithExamplesAndExitCodes() {
        for (String command : List.of("exec", "status", "list", "unlock", "demo")) {
            Cli.Run help = cli.run(RUN, command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.stdout()).as(command).contains("Examples:", "Exit codes:", "warden " + command);
        }
        Cli.Run top = cli.run(RUN, "--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.stdout())
                .contains("exec", "status", "list", "unlock", "demo", "75", "76", "69", "64", "77", "78");
        Cli.Run unknown = cli.run(RUN, "no-such-command");
        assertThat(unknown.exitCode()).isEqualTo(64);
        assertThat(unknown.stderr()).startsWith("warden: unknown command 'no-such-command'\n");
    }

    private static List<String> names(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(node -> node.get("name").asText())
                .toList();
    }
}
