package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.warden.RedisUnavailableException;
import io.warden.internal.LockStore.Acquired;
import io.warden.internal.LockStore.Foreign;
import io.warden.internal.LockStore.Granted;
import io.warden.internal.LockStore.Held;
import io.warden.internal.LockStore.Inspection;
import io.warden.internal.LockStore.Ownership;
import io.warden.internal.LockStore.Released;
import io.warden.internal.LockStore.Renewal;
import io.warden.internal.LockStore.Stamp;
import io.warden.testkit.Await;
import io.warden.testkit.FaultProxy;
import io.warden.testkit.RedisServer;
import io.warden.testkit.RedisServerGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedlockStore} on three real, independent Redis servers (one group for the class, emptied
 * before each test; a node a test killed is started again after it). Tests set up each node's state
 * with raw commands, so every vote is deterministic.
 */
class RedlockStoreTest {
    private static final KeySpace KEYS = new KeySpace("warden");
    private static final Stamp STAMP = new Stamp("test-host", 42, LockStore.Minting.COUNTER, 1_000);
    private static RedisServerGroup nodes;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startNodes() {
        nodes = RedisServerGroup.start(3);
    }

    @AfterAll
    static void stopNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @BeforeEach
    void emptyNodes() {
        nodes.servers().forEach(RedisServer::flushAll);
    }

    @AfterEach
    void closeAndRestartKilledNodes() throws Exception {
        for (AutoCloseable resource : closing) {
            resource.close();
        }
        for (RedisServer node : nodes.servers()) {
            if (!node.isRunning()) {
                node.killAndRestart();
            }
        }
    }

    @Test
    void aMajorityGrantIsFencedWithTheHighestCounterAndEveryNodesCounterIsRaisedToIt() throws Exception {
        LockKeys keys = KEYS.keys("fenced");
        node(0).command("SET", keys.fenceKey(), "100"); // node 0 minted far ahead of the others
        holdElsewhere(2, keys, 10_000); // so the majority is nodes 0 and 1, deterministically
        RedlockStore store = store();

        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isEqualTo(new Granted(101));

        // A majority confirmed before the grant was returned; the third raise may still be landing.
        Await.until(
                "every counter is raised to 101",
                Duration.ofSeconds(5),
                () -> nodes.servers().stream().allMatch(node -> "101".equals(node.command("GET", keys.fenceKey()))));
        assertThat(node(0).command("HGET", keys.lockKey(), "fence")).isEqualTo("101");
        Await.until(
                "node 1's lease records 101",
                Duration.ofSeconds(5),
                () -> "101".equals(node(1).command("HGET", keys.lockKey(), "fence")));
        assertThat(node(2).command("HGET", keys.lockKey(), "owner")).isEqualTo("other");
    }

    @Test
    void whenEveryGrantingNodeMintedTheSameTokenNoCounterIsRaisedAndTheNextMajorityStillMintsHigher() throws Exception {
        LockKeys keys = KEYS.keys("agreed");
        holdElsewhere(2, keys, 10_000); // nodes 0 and 1 grant; both mint 1 from no counter
        RedlockStore store = store();
        store.acquire(KEYS.keys("warm-up"), "w", 10_000, STAMP).get(10, TimeUnit.SECONDS);
        long[] before = evalshaCalls();

        assertThat(await(store.acquire(keys, "first", 10_000, STAMP))).isEqualTo(new Granted(1));
        long[] after = evalshaCalls();
        // A raise is confirmed by a majority before the grant is returned, so it would show here
        // as a second script call on at least two nodes.
        for (int i = 0; i < 3; i++) {
            assertThat(after[i] - before[i]).as("script calls on node %d", i).isLessThanOrEqualTo(1);
        }
        assertThat(node(2).command("EXISTS", keys.fenceKey()))
                .as("node 2, which refused, is left below the token")
                .isEqualTo(0L);

        // Safe anyway: every later majority shares a node with {0, 1}, whose counters hold the token.
        await(store.release(keys, "first", 0, true));
        node(2).command("DEL", keys.lockKey());
        holdElsewhere(0, keys, 10_000); // the next majority is nodes 1 and 2
        assertThat(await(store.acquire(keys, "second", 10_000, STAMP))).isEqualTo(new Granted(2));
        Await.until(
                "node 2's counter is raised to 2",
                Duration.ofSeconds(5),
                () -> "2".equals(node(2).command("GET", keys.fenceKey())));
    }

    private static long[] evalshaCalls() {
        long[] calls = new long[3];
        for (int i = 0; i < 3; i++) {
            calls[i] = node(i).commandCalls("evalsha");
        }
        return calls;
    }

    @Test
    void withFencingOffAGrantCarriesFenceZeroAndMintsNothing() throws Exception {
        LockKeys keys = KEYS.keys("unfenced");
        RedlockStore store = store();

        Stamp unfenced = new Stamp("test-host", 42, LockStore.Minting.NONE, 1_000);
        assertThat(await(store.acquire(keys, "mine", 10_000, unfenced))).isEqualTo(new Granted(0));
        for (RedisServer node : nodes.servers()) {
            assertThat(node.command("EXISTS", keys.fenceKey())).isEqualTo(0L);
        }
    }

    @Test
    void withOneOfThreeNodesDownAcquireRenewReleaseAndInspectStillWork() throws Exception {
        LockKeys keys = KEYS.keys("one-down");
        RedlockStore store = store();
        node(2).kill();

        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isEqualTo(new Granted(1));
        assertThat(await(store.renew(List.of(new Renewal(keys.lockKey(), "mine", 20_000)))))
                .containsExactly(Ownership.OWNED);
        assertThat((Long) node(0).command("PTTL", keys.lockKey())).isGreaterThan(10_000);
        assertThat(await(store.inspect(keys)).state()).isEqualTo(Inspection.State.HELD);
        assertThat(await(store.release(keys, "mine", 0, true))).isEqualTo(Released.RELEASED);
        assertThat(node(0).command("EXISTS", keys.lockKey())).isEqualTo(0L);
        assertThat(node(1).command("EXISTS", keys.lockKey())).isEqualTo(0L);
    }

    @Test
    void withTwoOfThreeNodesDownAcquireFailsFastNamingTheMajorityAndGivesItsGrantBack() throws Exception {
        LockKeys keys = KEYS.keys("two-down");
        RedlockStore store = store();
        node(0).kill();
        node(1).kill();

        long start = System.nanoTime();
        Throwable failure = failureOf(store.acquire(keys, "mine", 10_000, STAMP));
        // Down nodes reject at once: no waiting out the 5 s command timeout (margin for slow CI).
        assertThat(Await.millisSince(start)).isLessThan(2_500);
        assertThat(failure)
                .isInstanceOf(RedisConnectionException.class)
                .hasMessageContaining("of 3 Redlock nodes answered; a majority (2) is needed");
        assertThat(Failures.translate(failure, "two-down", store.address(), "acquire"))
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("two-down")
                .hasMessageContaining("majority");
        Await.until(
                "the lone grant is given back",
                Duration.ofSeconds(5),
                () -> node(2).command("EXISTS", keys.lockKey()).equals(0L));

        assertThat(failureOf(store.renew(List.of(new Renewal(keys.lockKey(), "mine", 10_000)))))
                .hasMessageContaining("a majority (2) is needed");
    }

    @Test
    void connectingWithoutAReachableMajorityFailsNamingIt() {
        node(0).kill();
        node(1).kill();

        assertThatThrownBy(this::store)
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("only 1 of 3 Redlock nodes are reachable; a majority (2) is needed");
    }

    @Test
    void aSplitVoteReportsTheShortestHolderAndGivesTheMinorityGrantBackWithoutAnnouncingIt() throws Exception {
        LockKeys keys = KEYS.keys("split");
        RedlockStore store = store();
        ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
        store.onReleaseMessage(messages::add);
        await(store.subscribe(keys.channel()));
        holdElsewhere(0, keys, 10_000);
        holdElsewhere(1, keys, 5_000);

        Acquired refused = await(store.acquire(keys, "mine", 10_000, STAMP));

        assertThat(refused).isInstanceOf(Held.class);
        Held held = (Held) refused;
        assertThat(held.pttlMillis()).isBetween(1L, 5_000L);
        assertThat(held.holder().host()).isEqualTo("other-host");
        Await.until(
                "node 2's grant is given back",
                Duration.ofSeconds(5),
                () -> node(2).command("EXISTS", keys.lockKey()).equals(0L));
        Await.sleep(300);
        assertThat(messages).isEmpty();

        // Control: the subscription works, so the silence above was the give-back's.
        node(0).flushAll();
        node(1).flushAll();
        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isInstanceOf(Granted.class);
        assertThat(await(store.release(keys, "mine", 0, true))).isEqualTo(Released.RELEASED);
        Await.until("the release is announced", Duration.ofSeconds(5), () -> messages.contains(keys.channel()));
    }

    @Test
    void foreignDataOnOneNodeIsReportedAsForeignUnlessAMajorityGrants() throws Exception {
        LockKeys keys = KEYS.keys("foreign");
        RedlockStore store = store();
        node(0).command("SET", keys.lockKey(), "not a lock");
        holdElsewhere(1, keys, 10_000);

        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isEqualTo(new Foreign(keys.lockKey(), "string"));
        // The give-back goes out when node 2 answered, which may be after the refusal came back;
        // until then nodes 1 and 2 both hold the lock, and inspect rightly says HELD.
        Await.until(
                "node 2's grant is given back",
                Duration.ofSeconds(5),
                () -> node(2).command("EXISTS", keys.lockKey()).equals(0L));
        assertThat(await(store.inspect(keys)).state()).isEqualTo(Inspection.State.FOREIGN);
        assertThat(node(0).command("GET", keys.lockKey())).isEqualTo("not a lock");

        node(1).flushAll(); // nodes 1 and 2 now make a majority: the foreign node is outvoted
        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isInstanceOf(Granted.class);
    }

    @Test
    void aRenewalIsOwnedWhileAMajorityHoldsTheKeyAndSaysWhyNotOtherwise() throws Exception {
        LockKeys keys = KEYS.keys("renewed");
        LockKeys other = KEYS.keys("renewed-too");
        RedlockStore store = store();
        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isInstanceOf(Granted.class);
        assertThat(await(store.acquire(other, "mine-too", 10_000, STAMP))).isInstanceOf(Granted.class);
        node(0).command("DEL", keys.lockKey()); // node 0 lost it (say, restarted without persistence)

        List<Renewal> batch =
                List.of(new Renewal(keys.lockKey(), "mine", 20_000), new Renewal(other.lockKey(), "mine-too", 20_000));
        assertThat(await(store.renew(batch))).containsExactly(Ownership.OWNED, Ownership.OWNED);
        assertThat((Long) node(1).command("PTTL", keys.lockKey())).isGreaterThan(10_000);

        node(1).command("HSET", keys.lockKey(), "owner", "other");
        node(2).command("DEL", other.lockKey());
        node(1).command("DEL", other.lockKey());
        assertThat(await(store.renew(batch))).containsExactly(Ownership.OTHER_OWNER, Ownership.GONE);
    }

    @Test
    void aRepeatedAcquireWithTheSameTokenIsGrantedWithTheSameFence() throws Exception {
        LockKeys keys = KEYS.keys("repeated");
        RedlockStore store = store();

        Acquired first = await(store.acquire(keys, "mine", 10_000, STAMP));
        Acquired again = await(store.acquire(keys, "mine", 10_000, STAMP));

        assertThat(first).isEqualTo(new Granted(1));
        assertThat(again).isEqualTo(first);
        assertThat(await(store.acquire(keys, "someone-else", 10_000, STAMP))).isInstanceOf(Held.class);
    }

    @Test
    void releaseKeepsInspectMergesAndForceReleaseNamesTheHolder() throws Exception {
        LockKeys keys = KEYS.keys("merged");
        RedlockStore store = store();
        assertThat(await(store.acquire(keys, "mine", 10_000, STAMP))).isEqualTo(new Granted(1));
        node(2).command("SET", keys.fenceKey(), "50");

        Inspection inspection = await(store.inspect(keys));
        assertThat(inspection.state()).isEqualTo(Inspection.State.HELD);
        assertThat(inspection.holder().host()).isEqualTo("test-host");
        assertThat(inspection.lastIssued()).hasValue(50);

        assertThat(await(store.release(keys, "mine", 3_000, true))).isEqualTo(Released.KEPT);
        assertThat((Long) node(1).command("PTTL", keys.lockKey())).isBetween(1L, 3_000L);

        LockStore.ForceReleased forced = await(store.forceRelease(keys));
        assertThat(forced.outcome()).isEqualTo(Released.RELEASED);
        assertThat(forced.removed().holder().fencingToken()).isEqualTo(1);
        assertThat(await(store.inspect(keys)).state()).isEqualTo(Inspection.State.FREE);
        assertThat(await(store.release(keys, "mine", 0, true))).isEqualTo(Released.GONE);
    }

    @Test
    void scanListsTheLockKeysOfEveryNodeOnce() throws Exception {
        RedlockStore store = store();
        await(store.acquire(KEYS.keys("a"), "t", 10_000, STAMP));
        holdElsewhere(1, KEYS.keys("only-on-1"), 10_000);

        assertThat(await(store.scan(KEYS.scanPattern(""))))
                .containsExactlyInAnyOrder(
                        KEYS.keys("a").lockKey(), KEYS.keys("only-on-1").lockKey());
    }

    @Test
    void commandsToAReconnectingNodeAreIssuedInTheOrderTheyWereAsked() throws Exception {
        LockKeys keys = KEYS.keys("ordered");
        // Node 0 behind a slow proxy: its (re)connection takes a few hundred ms, so every command
        // below is asked while it is still connecting.
        FaultProxy proxy = FaultProxy.to(node(0));
        closing.add(proxy);
        node(0).kill();
        RedlockStore store = store(List.of(proxy.uri(), node(1).uri(), node(2).uri()));
        node(0).killAndRestart();
        proxy.latency(Duration.ofMillis(20));
        Await.sleep(TimeUnit.NANOSECONDS.toMillis(RedlockNode.RECONNECT_INTERVAL_NANOS) + 200);

        // Each acquire is followed by its give-back; reversed on node 0, a give-back would find
        // nothing and the acquire after it would leave the key behind.
        List<CompletableFuture<?>> asked = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            asked.add(store.acquire(keys, "t" + i, 10_000, STAMP));
            asked.add(store.release(keys, "t" + i, 0, false));
        }
        CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        for (int i = 0; i < 10; i++) {
            assertThat(asked.get(2 * i).get()).as("acquire t%d", i).isInstanceOf(Granted.class);
        }
        assertThat(node(0).command("EXISTS", keys.lockKey()))
                .as("no grant left behind on node 0")
                .isEqualTo(0L);
        assertThat(node(0).command("GET", keys.fenceKey()))
                .as("node 0 used again")
                .isNotNull();
    }

    /**
     * A release that timed out on a node that is up is sent again: the timed-out command may never
     * have reached Redis (here the proxy swallowed it, and the client does not resend a command it
     * gave up on), and that node would then keep the key, and with a minority down the lock's only
     * possible majority, until the TTL. CI saw exactly that:
     * RedlockFaultTest.withOneOfThreeNodesDownLocksStillWorkAndAreExclusive timed out behind its
     * own released lease.
     */
    @Test
    void aReleaseThatTimedOutOnANodeIsSentAgainUntilTheNodeAnswers() throws Exception {
        LockKeys keys = KEYS.keys("timed-out-release");
        FaultProxy proxy = FaultProxy.to(node(1));
        closing.add(proxy);
        RedlockStore store = store(List.of(node(0).uri(), proxy.uri(), node(2).uri()), Duration.ofSeconds(2));
        assertThat(await(store.acquire(keys, "t", 30_000, STAMP))).isInstanceOf(Granted.class);

        proxy.blackhole();
        CompletableFuture<Released> release = store.release(keys, "t", 0, true);
        Await.sleep(2_500); // the first attempt timed out; the second is in the blackhole too
        proxy.heal(); // cuts the connection: the second attempt fails, and a later one gets through

        assertThat(await(release)).isEqualTo(Released.RELEASED);
        assertThat(node(1).command("EXISTS", keys.lockKey()))
                .as("the key is gone from the node whose first release timed out")
                .isEqualTo(0L);
    }

    /**
     * With a minority down, a release that keeps failing on one of the two live nodes has an unknown
     * outcome: that node may hold the key, and with it every majority, until the TTL.
     */
    @Test
    void aReleaseWhoseMajorityDidNotAnswerHasAnUnknownOutcome() throws Exception {
        LockKeys keys = KEYS.keys("unknown-release");
        FaultProxy proxy = FaultProxy.to(node(1));
        closing.add(proxy);
        // A timeout generous enough that the acquire reaches every node on a loaded machine.
        RedlockStore store = store(List.of(node(0).uri(), proxy.uri(), node(2).uri()), Duration.ofSeconds(1));
        assertThat(await(store.acquire(keys, "t", 30_000, STAMP))).isInstanceOf(Granted.class);
        // The grant is decided by the first majority to answer: under load node 1's reply, through
        // the proxy, may come after it. The command was sent, so wait for it to land.
        Await.until(
                "granted on node 1",
                Duration.ofSeconds(5),
                () -> node(1).command("EXISTS", keys.lockKey()).equals(1L));
        node(2).kill();

        proxy.blackhole();
        Throwable failure = failureOf(store.release(keys, "t", 0, true));

        assertThat(failure)
                .isInstanceOf(RedisConnectionException.class)
                .hasMessageContaining("only 1 of 3 Redlock nodes answered the release");
        assertThat(node(1).command("EXISTS", keys.lockKey())).isEqualTo(1L);
        proxy.heal();
        Await.until("a retried release removes the key once the node is reconnected", Duration.ofSeconds(10), () -> {
            store.release(keys, "t", 0, true).handle((released, error) -> null).join();
            return node(1).command("EXISTS", keys.lockKey()).equals(0L);
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static RedisServer node(int index) {
        return nodes.get(index);
    }

    /** Another owner's lease on one node, as acquire.lua writes it. */
    private static void holdElsewhere(int index, LockKeys keys, long ttlMillis) {
        node(index)
                .command(
                        "HSET",
                        keys.lockKey(),
                        "owner",
                        "other",
                        "fence",
                        "7",
                        "host",
                        "other-host",
                        "pid",
                        "9",
                        "since",
                        "0");
        node(index).command("PEXPIRE", keys.lockKey(), Long.toString(ttlMillis));
    }

    private RedlockStore store() {
        return store(nodes.uris());
    }

    private RedlockStore store(List<String> uris) {
        return store(uris, Duration.ofSeconds(5));
    }

    private RedlockStore store(List<String> uris, Duration commandTimeout) {
        Connection connection = new Connection(
                null, null, List.of(), uris.stream().map(RedisURI::create).toList(), commandTimeout, 0, Duration.ZERO);
        RedlockStore store = RedlockStore.connect(connection, Ticker.SYSTEM);
        closing.add(0, store); // closed before the proxy it may use
        return store;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return Failures.unwrap(e.getCause());
        }
        throw new AssertionError("expected a failure, got " + future.get());
    }
}
