package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.HolderInfo;
import io.warden.internal.LockStore.Acquired;
import io.warden.internal.LockStore.ForceReleased;
import io.warden.internal.LockStore.Foreign;
import io.warden.internal.LockStore.Granted;
import io.warden.internal.LockStore.Held;
import io.warden.internal.LockStore.Inspection;
import io.warden.internal.LockStore.Inspection.State;
import io.warden.internal.LockStore.Ownership;
import io.warden.internal.LockStore.Released;
import io.warden.internal.LockStore.Renewal;
import io.warden.internal.LockStore.Stamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a {@link LockStore} does, stated once, and held against every store: {@link ScriptStore} on
 * a real Redis and the simulation's {@link MemoryStore} on a fake clock. The script headers in
 * {@code io/warden/internal/scripts} are the specification; a behaviour either store gets wrong
 * fails here, so the in-memory model cannot drift from Redis.
 *
 * <p>Times are short (TTLs of 40 to 100 ms, waits of 80 to 150 ms) so a real server needs only
 * brief sleeps; a TTL that must still be running when checked is long enough for a slow machine.
 */
abstract class StoreContract {
    static final KeySpace SPACE = new KeySpace("warden");
    static final long SINCE = 1_700_000_000_000L;
    static final Stamp A = new Stamp("host-a", 41, LockStore.Minting.COUNTER, SINCE);
    static final Stamp B = new Stamp("host-b", 42, LockStore.Minting.COUNTER, SINCE + 1);
    /** The default: tokens floored by the server's clock. */
    static final Stamp CLOCKED = new Stamp("host-c", 43, LockStore.Minting.CLOCK_FLOORED, SINCE + 2);

    final LockKeys job = SPACE.keys("job");
    final LockKeys other = SPACE.keys("other");
    final List<String> messages = new CopyOnWriteArrayList<>();
    LockStore store;

    /** A store on an empty server, for one test; closed after it. */
    abstract LockStore openStore();

    /** Writes a key of Redis type {@code type} Warden did not write ("hash": one without an owner). */
    abstract void putForeign(String key, String type);

    abstract long pttl(String key);

    abstract boolean exists(String key);

    abstract String type(String key);

    /** Lets time pass: the fake clock moves (running what falls due), or the test sleeps. */
    abstract void elapse(Duration duration);

    /** The server's clock as TIME reads it, in microseconds since the epoch. */
    abstract long serverMicros();

    /** SET {@code key} {@code value}: a string key without TTL. */
    abstract void setString(String key, String value);

    /** The server forgets every key, as a restart without persistence does (FLUSHALL). */
    abstract void loseData();

    @BeforeEach
    void open() {
        store = openStore();
        store.onReleaseMessage(messages::add);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aFreeLockIsGrantedWithTheNextFencingToken() {
        assertThat(get(store.acquire(job, "t1", 30_000, A))).isEqualTo(new Granted(1));
        assertThat(get(store.release(job, "t1", 0, true))).isEqualTo(Released.RELEASED);
        assertThat(get(store.acquire(job, "t2", 30_000, B))).isEqualTo(new Granted(2));
        assertThat(get(store.acquire(other, "t3", 30_000, A))).isEqualTo(new Granted(1));
    }

    @Test
    void aLockIsAKeyWithATtlAndItsCounterHasNone() {
        get(store.acquire(job, "t1", 30_000, A));
        assertThat(type(job.lockKey())).isEqualTo("hash");
        assertThat(pttl(job.lockKey())).isBetween(25_000L, 30_000L);
        assertThat(type(job.fenceKey())).isEqualTo("string");
        assertThat(pttl(job.fenceKey())).isEqualTo(-1);
    }

    @Test
    void withoutFencingTheTokenIsZeroAndTheCounterUntouched() {
        Stamp unfenced = new Stamp("host-a", 41, LockStore.Minting.NONE, SINCE);
        assertThat(get(store.acquire(job, "t1", 30_000, unfenced))).isEqualTo(new Granted(0));
        assertThat(exists(job.fenceKey())).isFalse();
        assertThat(get(store.inspect(job)).holder().fencingToken()).isZero();
    }

    @Test
    void aRepeatedAcquireWithTheSameTokenIsTheSameGrant() {
        assertThat(get(store.acquire(job, "t1", 30_000, A))).isEqualTo(new Granted(1));
        assertThat(get(store.acquire(job, "t1", 60_000, A))).isEqualTo(new Granted(1));
        assertThat(pttl(job.lockKey())).as("TTL set again").isGreaterThan(30_000L);
        assertThat(get(store.inspect(job)).lastIssued())
                .as("nothing new minted")
                .hasValue(1);
    }

    // ---- clock-floored fencing tokens ----------------------------------------------------------------

    @Test
    void aClockFlooredTokenIsTheServersTimeInMicrosecondsWhenTheCounterIsBehind() {
        long before = serverMicros();
        long fence = fence(store.acquire(job, "t1", 30_000, CLOCKED));
        assertThat(fence).isBetween(before, serverMicros());
        assertThat(get(store.inspect(job)).lastIssued())
                .as("the counter holds it")
                .hasValue(fence);
        assertThat(get(store.inspect(job)).holder().fencingToken()).isEqualTo(fence);
        elapse(Duration.ofMillis(2));
        assertThat(fence(store.acquire(job, "t1", 30_000, CLOCKED)))
                .as("a repeated acquire mints nothing")
                .isEqualTo(fence);
    }

    @Test
    void clockFlooredTokensStrictlyIncreaseEvenFasterThanTheClock() {
        // On the fake clock no time passes at all: the counter alone must make them increase.
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(fence(store.acquire(job, "t" + i, 30_000, CLOCKED)));
            get(store.release(job, "t" + i, 0, true));
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
        assertThat(get(store.inspect(job)).lastIssued()).hasValue(tokens.get(tokens.size() - 1));
    }

    @Test
    void afterTheServerLostItsDataTheNextClockFlooredTokenExceedsEveryEarlierOne() {
        long highest = 0;
        for (int i = 0; i < 5; i++) {
            highest = fence(store.acquire(job, "t" + i, 30_000, CLOCKED));
            get(store.release(job, "t" + i, 0, true));
        }
        loseData();
        elapse(Duration.ofMillis(1)); // a restart or failover takes at least this long
        assertThat(fence(store.acquire(job, "after", 30_000, CLOCKED))).isGreaterThan(highest);
        assertThat(fence(store.acquire(other, "small", 30_000, A)))
                .as("small tokens start again at 1: the data loss they do not survive")
                .isEqualTo(1);
    }

    @Test
    void anExistingSmallCounterJumpsOnceToTheClockAndNeverGoesBack() {
        assertThat(fence(store.acquire(job, "t1", 30_000, A))).isEqualTo(1);
        get(store.release(job, "t1", 0, true));
        long before = serverMicros();
        long clocked = fence(store.acquire(job, "t2", 30_000, CLOCKED));
        assertThat(clocked).isGreaterThanOrEqualTo(before);
        get(store.release(job, "t2", 0, true));
        assertThat(fence(store.acquire(job, "t3", 30_000, A)))
                .as("small tokens again: they count on from the clock-floored counter")
                .isEqualTo(clocked + 1);
    }

    @Test
    void aCounterAheadOfTheClockKeepsCountingExactly() {
        // 16 significant digits, the last odd: a number printed with fewer digits, or rounded
        // through a float, would come back changed.
        long ahead = serverMicros() + 1_000_000_000L + 7;
        setString(job.fenceKey(), Long.toString(ahead));
        assertThat(fence(store.acquire(job, "t1", 30_000, CLOCKED))).isEqualTo(ahead + 1);
        assertThat(get(store.inspect(job)).holder().fencingToken()).isEqualTo(ahead + 1);
        assertThat(get(store.inspect(job)).lastIssued()).hasValue(ahead + 1);
        get(store.release(job, "t1", 0, true));
        assertThat(fence(store.acquire(job, "t2", 30_000, CLOCKED))).isEqualTo(ahead + 2);
    }

    @Test
    void aHeldLockReportsItsHolderAndTtl() {
        get(store.acquire(job, "t1", 30_000, A));
        Acquired refused = get(store.acquire(job, "t2", 30_000, B));
        HolderInfo holder = new HolderInfo("host-a", 41, Instant.ofEpochMilli(SINCE), 1);
        assertThat(refused).isInstanceOfSatisfying(Held.class, held -> {
            assertThat(held.pttlMillis()).isBetween(25_000L, 30_000L);
            assertThat(held.holder()).isEqualTo(holder);
        });
        assertThat(get(store.inspect(job)).lastIssued())
                .as("a refusal mints nothing")
                .hasValue(1);
    }

    @Test
    void anAttemptThatWillNotWaitIsToldTheHolderButNotTheTtl() {
        get(store.acquire(job, "t1", 30_000, A));
        Acquired refused = get(store.acquire(job, "t2", 30_000, B, false));
        assertThat(refused).isInstanceOfSatisfying(Held.class, held -> {
            assertThat(held.pttlMillis()).isEqualTo(Held.TTL_NOT_READ);
            assertThat(held.holder()).isEqualTo(new HolderInfo("host-a", 41, Instant.ofEpochMilli(SINCE), 1));
        });
        assertThat(fence(store.acquire(job, "t1", 30_000, A, false)))
                .as("its own lease is still its own: a resend that will not wait is granted again")
                .isEqualTo(1);
        get(store.release(job, "t1", 0, true));
        assertThat(fence(store.acquire(job, "t2", 30_000, B, false))).isEqualTo(2);
    }

    @Test
    void renewIsOwnerChecked() {
        LockKeys missing = SPACE.keys("missing");
        LockKeys foreign = SPACE.keys("foreign");
        get(store.acquire(job, "mine", 2_000, A));
        get(store.acquire(other, "theirs", 2_000, B));
        putForeign(foreign.lockKey(), "hash");
        List<Ownership> outcomes = get(store.renew(List.of(
                new Renewal(job.lockKey(), "mine", 60_000),
                new Renewal(other.lockKey(), "mine", 60_000),
                new Renewal(missing.lockKey(), "mine", 60_000),
                new Renewal(foreign.lockKey(), "mine", 60_000))));
        assertThat(outcomes).containsExactly(Ownership.OWNED, Ownership.OTHER_OWNER, Ownership.GONE, Ownership.FOREIGN);
        assertThat(pttl(job.lockKey())).isGreaterThan(50_000L);
        assertThat(pttl(other.lockKey())).isBetween(1L, 2_000L);
        assertThat(pttl(foreign.lockKey())).isEqualTo(-1);
        assertThat(exists(missing.lockKey())).isFalse();
    }

    @Test
    void aRenewedLeaseOutlivesItsFirstTtl() {
        get(store.acquire(job, "t1", 100, A));
        assertThat(get(store.renew(List.of(new Renewal(job.lockKey(), "t1", 60_000)))))
                .containsExactly(Ownership.OWNED);
        elapse(Duration.ofMillis(150));
        assertThat(get(store.inspect(job)).state()).isEqualTo(State.HELD);
    }

    @Test
    void releaseDeletesTheLockOnceAndFreesItForOthers() {
        get(store.acquire(job, "t1", 30_000, A));
        assertThat(get(store.release(job, "t1", 0, true))).isEqualTo(Released.RELEASED);
        assertThat(exists(job.lockKey())).isFalse();
        assertThat(get(store.release(job, "t1", 0, true))).as("repeated").isEqualTo(Released.GONE);
        assertThat(get(store.acquire(job, "t2", 30_000, B))).isInstanceOf(Granted.class);
    }

    @Test
    void releaseOfAnotherOwnersLockTouchesNothing() {
        subscribe(job.channel(), other.channel());
        get(store.acquire(job, "theirs", 40_000, B));
        assertThat(get(store.release(job, "mine", 0, true))).isEqualTo(Released.OTHER_OWNER);
        assertThat(get(store.release(job, "mine", 10, true))).isEqualTo(Released.OTHER_OWNER);
        assertThat(pttl(job.lockKey())).isGreaterThan(30_000L);
        assertThat(get(store.inspect(job)).holder().host()).isEqualTo("host-b");
        assertNothingPublishedOn(job.channel());
    }

    @Test
    void releaseKeepingSetsTheTtlInsteadOfDeleting() {
        subscribe(job.channel(), other.channel());
        get(store.acquire(job, "t1", 60_000, A));
        assertThat(get(store.release(job, "t1", 100, true))).isEqualTo(Released.KEPT);
        assertThat(pttl(job.lockKey())).isBetween(1L, 100L);
        assertNothingPublishedOn(job.channel());
        elapse(Duration.ofMillis(150));
        assertThat(exists(job.lockKey())).isFalse();

        get(store.acquire(other, "t2", 1_000, A));
        assertThat(get(store.release(other, "t2", 60_000, true)))
                .as("may lengthen")
                .isEqualTo(Released.KEPT);
        assertThat(pttl(other.lockKey())).isGreaterThan(50_000L);
    }

    @Test
    void aQuietReleasePublishesNothing() {
        subscribe(job.channel(), other.channel());
        get(store.acquire(job, "t1", 30_000, A));
        assertThat(get(store.release(job, "t1", 0, false))).isEqualTo(Released.RELEASED);
        assertThat(exists(job.lockKey())).isFalse();
        assertNothingPublishedOn(job.channel());
    }

    @Test
    void releaseAnnouncesOnTheChannel() {
        subscribe(job.channel());
        get(store.acquire(job, "t1", 30_000, A));
        get(store.release(job, "t1", 0, true));
        awaitMessages(1);
        assertThat(messages).containsExactly(job.channel());
    }

    @Test
    void messagesStopAfterUnsubscribe() {
        subscribe(job.channel(), other.channel());
        get(store.unsubscribe(job.channel()));
        get(store.acquire(job, "t1", 30_000, A));
        get(store.release(job, "t1", 0, true));
        assertNothingPublishedOn(job.channel());
    }

    @ParameterizedTest
    @ValueSource(strings = {"string", "list", "set", "zset", "hash"})
    void foreignDataIsReportedAndNeverChanged(String kind) {
        subscribe(job.channel(), other.channel());
        putForeign(job.lockKey(), kind);
        assertThat(get(store.acquire(job, "t1", 30_000, A))).isEqualTo(new Foreign(job.lockKey(), kind));
        assertThat(get(store.renew(List.of(new Renewal(job.lockKey(), "t1", 30_000)))))
                .containsExactly(Ownership.FOREIGN);
        assertThat(get(store.release(job, "t1", 0, true))).isEqualTo(Released.FOREIGN);
        assertThat(get(store.release(job, "t1", 30_000, true))).isEqualTo(Released.FOREIGN);
        assertThat(get(store.forceRelease(job))).isEqualTo(new ForceReleased(Released.FOREIGN, null));
        assertThat(get(store.inspect(job))).isEqualTo(new Inspection(State.FOREIGN, -1, null, OptionalLong.empty()));
        assertThat(type(job.lockKey())).isEqualTo(kind);
        assertThat(pttl(job.lockKey())).isEqualTo(-1);
        assertThat(exists(job.fenceKey())).as("no token minted").isFalse();
        assertNothingPublishedOn(job.channel());
    }

    @ParameterizedTest
    @ValueSource(strings = {"string", "list", "hash"})
    void aNonIntegerCounterIsForeign(String kind) {
        putForeign(job.fenceKey(), kind);
        assertThat(get(store.acquire(job, "t1", 30_000, A))).isEqualTo(new Foreign(job.fenceKey(), kind));
        assertThat(exists(job.lockKey())).as("nothing was changed").isFalse();
        assertThat(type(job.fenceKey())).isEqualTo(kind);
        assertThat(get(store.inspect(job)))
                .as("inspect reports the counter as foreign, with no last token")
                .isEqualTo(new Inspection(State.FREE, -2, null, OptionalLong.empty(), true));
        Stamp unfenced = new Stamp("host-a", 41, LockStore.Minting.NONE, SINCE);
        assertThat(get(store.acquire(job, "t1", 30_000, unfenced)))
                .as("fencing off")
                .isEqualTo(new Granted(0));
    }

    // ---- hand-off: release_to.lua -----------------------------------------------------------------

    private static LockStore.Successor next(String token, Stamp stamp) {
        return new LockStore.Successor(token, 30_000, stamp);
    }

    @Test
    void aHandOffPassesTheLockStraightToTheNextTokenWithANewFenceAndWakesNobody() {
        subscribe(job.channel(), other.channel());
        assertThat(store.handsOff(job)).isTrue();
        get(store.acquire(job, "t1", 60_000, A));
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.RELEASED, new Granted(2)));
        Inspection now = get(store.inspect(job));
        assertThat(now.holder()).isEqualTo(new HolderInfo("host-b", 42, Instant.ofEpochMilli(SINCE + 1), 2));
        assertThat(pttl(job.lockKey())).as("the successor's TTL").isBetween(25_000L, 30_000L);
        assertThat(get(store.renew(List.of(new Renewal(job.lockKey(), "t2", 30_000)))))
                .containsExactly(Ownership.OWNED);
        assertThat(get(store.release(job, "t1", 0, true)))
                .as("the releaser's token is gone")
                .isEqualTo(Released.OTHER_OWNER);
        assertNothingPublishedOn(job.channel());
    }

    @Test
    void aResentHandOffAnswersTheSameGrantAndMintsNothing() {
        get(store.acquire(job, "t1", 60_000, A));
        get(store.releaseTo(job, "t1", next("t2", B)));
        elapse(Duration.ofMillis(2));
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.RELEASED, new Granted(2)));
        assertThat(get(store.acquire(job, "t2", 30_000, B)))
                .as("the waiter's own retry")
                .isEqualTo(new Granted(2));
        assertThat(get(store.inspect(job)).lastIssued()).hasValue(2);
    }

    @Test
    void aHandOffFromAnExpiredLeaseActsAsAnAcquire() {
        get(store.acquire(job, "t1", 40, A));
        elapse(Duration.ofMillis(80));
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.GONE, new Granted(2)));
        assertThat(get(store.inspect(job)).holder().host()).isEqualTo("host-b");
    }

    @Test
    void aHandOffFromALeaseAnotherOwnerTookTouchesNothingAndReportsTheHolder() {
        subscribe(job.channel(), other.channel());
        get(store.acquire(job, "theirs", 40_000, A));
        LockStore.HandedOff outcome = get(store.releaseTo(job, "mine", next("t2", B)));
        assertThat(outcome.released()).isEqualTo(Released.OTHER_OWNER);
        assertThat(outcome.acquired()).isInstanceOfSatisfying(Held.class, held -> {
            assertThat(held.pttlMillis()).isBetween(30_000L, 40_000L);
            assertThat(held.holder()).isEqualTo(new HolderInfo("host-a", 41, Instant.ofEpochMilli(SINCE), 1));
        });
        assertThat(get(store.inspect(job)).lastIssued()).as("nothing minted").hasValue(1);
        assertNothingPublishedOn(job.channel());
    }

    @Test
    void aGrantHandedToAWaiterThatWithdrewIsGivenBackAndAnnounced() {
        subscribe(job.channel());
        get(store.acquire(job, "t1", 60_000, A));
        get(store.releaseTo(job, "t1", next("t2", B)));
        assertThat(get(store.release(job, "t2", 0, true))).isEqualTo(Released.RELEASED);
        assertThat(exists(job.lockKey())).isFalse();
        awaitMessages(1);
        assertThat(messages).containsExactly(job.channel());
        assertThat(get(store.acquire(job, "t3", 30_000, A))).isEqualTo(new Granted(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"string", "list", "hash"})
    void aHandOffOnForeignDataReportsItAndChangesNothing(String kind) {
        putForeign(job.lockKey(), kind);
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.FOREIGN, new Foreign(job.lockKey(), kind)));
        assertThat(type(job.lockKey())).isEqualTo(kind);
        assertThat(exists(job.fenceKey())).isFalse();
    }

    @Test
    void aHandOffWhoseCounterIsForeignReleasesAndAnnouncesInstead() {
        subscribe(job.channel());
        get(store.acquire(job, "t1", 60_000, A));
        putForeign(job.fenceKey(), "list");
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.RELEASED, new Foreign(job.fenceKey(), "list")));
        assertThat(exists(job.lockKey())).isFalse();
        awaitMessages(1);
        assertThat(messages).containsExactly(job.channel());
    }

    @Test
    void aCallerRefusedWhileWaitingStopsTheHoldersHandOffAndTheLockIsFreedForEveryone() {
        subscribe(job.channel());
        get(store.acquire(job, "t1", 60_000, A));
        assertThat(get(store.acquire(job, "elsewhere", 30_000, B, true))).isInstanceOf(Held.class);
        assertThat(get(store.acquire(job, "elsewhere-again", 30_000, B, true)))
                .as("refused again: the mark is set once")
                .isInstanceOf(Held.class);
        assertThat(get(store.inspect(job)).holder())
                .as("the mark changes nothing an operator sees")
                .isEqualTo(new HolderInfo("host-a", 41, Instant.ofEpochMilli(SINCE), 1));
        assertThat(get(store.renew(List.of(new Renewal(job.lockKey(), "t1", 60_000)))))
                .containsExactly(Ownership.OWNED);
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.RELEASED, new LockStore.Freed()));
        assertThat(exists(job.lockKey())).isFalse();
        awaitMessages(1);
        assertThat(messages).containsExactly(job.channel());
        assertThat(get(store.inspect(job)).lastIssued()).as("nothing minted").hasValue(1);
        assertThat(get(store.acquire(job, "elsewhere-3", 30_000, B))).isEqualTo(new Granted(2));
    }

    @Test
    void aCallerThatWillNotWaitLeavesTheHandOffAlone() {
        subscribe(job.channel(), other.channel());
        get(store.acquire(job, "t1", 60_000, A));
        assertThat(get(store.acquire(job, "skipper", 30_000, B, false))).isInstanceOf(Held.class);
        assertThat(get(store.releaseTo(job, "t1", next("t2", B))))
                .isEqualTo(new LockStore.HandedOff(Released.RELEASED, new Granted(2)));
        assertNothingPublishedOn(job.channel());
    }

    @Test
    void theMarkEndsWithTheLeaseItWasSetOn() {
        get(store.acquire(job, "t1", 60_000, A));
        get(store.acquire(job, "elsewhere", 30_000, B, true));
        assertThat(get(store.release(job, "t1", 0, true))).isEqualTo(Released.RELEASED);
        get(store.acquire(job, "t2", 60_000, A));
        assertThat(get(store.releaseTo(job, "t2", next("t3", A))))
                .as("the next lease hands off again")
                .isEqualTo(new LockStore.HandedOff(Released.RELEASED, new Granted(3)));
        assertThat(get(store.acquire(job, "elsewhere", 30_000, B, true))).isInstanceOf(Held.class);
        assertThat(get(store.releaseTo(job, "t3", next("t4", A))).acquired())
                .as("a lease that was handed on can be marked too")
                .isEqualTo(new LockStore.Freed());
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossHandOffs() {
        List<Long> tokens = new ArrayList<>();
        tokens.add(fence(store.acquire(job, "t0", 30_000, CLOCKED)));
        for (int i = 1; i <= 20; i++) {
            LockStore.HandedOff outcome =
                    get(store.releaseTo(job, "t" + (i - 1), next("t" + i, i % 2 == 0 ? CLOCKED : A)));
            assertThat(outcome.released()).isEqualTo(Released.RELEASED);
            tokens.add(((Granted) outcome.acquired()).fence());
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
        assertThat(get(store.inspect(job)).lastIssued()).hasValue(tokens.get(tokens.size() - 1));
    }

    @Test
    void fairAndReadWriteLocksAreNotHandedOff() {
        assertThat(store.handsOff(SPACE.fairKeys("fair", "w"))).isFalse();
        assertThat(store.handsOff(SPACE.readWriteKeys("rw", LockKeys.Role.WRITE)))
                .isFalse();
    }

    @Test
    void anExpiredKeyIsGone() {
        get(store.acquire(job, "t1", 40, A));
        elapse(Duration.ofMillis(80));
        assertThat(exists(job.lockKey())).isFalse();
        assertThat(get(store.inspect(job))).isEqualTo(new Inspection(State.FREE, -2, null, OptionalLong.of(1)));
        assertThat(get(store.renew(List.of(new Renewal(job.lockKey(), "t1", 30_000)))))
                .containsExactly(Ownership.GONE);
        assertThat(get(store.release(job, "t1", 0, true))).isEqualTo(Released.GONE);
        assertThat(get(store.acquire(job, "t2", 30_000, B))).isEqualTo(new Granted(2));
    }

    @Test
    void forceReleaseRemovesAnyHolderAndAnnounces() {
        subscribe(job.channel());
        get(store.acquire(job, "t1", 30_000, A));
        HolderInfo holder = new HolderInfo("host-a", 41, Instant.ofEpochMilli(SINCE), 1);
        ForceReleased forced = get(store.forceRelease(job));
        assertThat(forced.outcome()).isEqualTo(Released.RELEASED);
        assertThat(forced.removed().holder()).isEqualTo(holder);
        assertThat(forced.removed().pttlMillis()).isBetween(25_000L, 30_000L);
        assertThat(forced.removed().lastIssued()).hasValue(1);
        assertThat(exists(job.lockKey())).isFalse();
        awaitMessages(1);
        assertThat(messages).containsExactly(job.channel());
        assertThat(get(store.forceRelease(job))).isEqualTo(new ForceReleased(Released.GONE, null));
    }

    @Test
    void inspectShowsHeldFreeForeignAndLastToken() {
        assertThat(get(store.inspect(job))).isEqualTo(new Inspection(State.FREE, -2, null, OptionalLong.empty()));
        get(store.acquire(job, "t1", 30_000, A));
        Inspection held = get(store.inspect(job));
        assertThat(held.state()).isEqualTo(State.HELD);
        assertThat(held.pttlMillis()).isBetween(25_000L, 30_000L);
        assertThat(held.holder()).isEqualTo(new HolderInfo("host-a", 41, Instant.ofEpochMilli(SINCE), 1));
        assertThat(held.lastIssued()).hasValue(1);
        get(store.release(job, "t1", 0, true));
        assertThat(get(store.inspect(job))).isEqualTo(new Inspection(State.FREE, -2, null, OptionalLong.of(1)));
        putForeign(job.lockKey(), "list");
        assertThat(get(store.inspect(job)).state()).isEqualTo(State.FOREIGN);
    }

    @Test
    void scanFindsLockKeys() {
        get(store.acquire(job, "t1", 30_000, A));
        get(store.acquire(other, "t2", 30_000, A));
        get(store.acquire(SPACE.keys("brief"), "t3", 40, A));
        putForeign("unrelated", "string");
        elapse(Duration.ofMillis(80));
        assertThat(get(store.scan("warden:{*}")).stream().distinct())
                .containsExactlyInAnyOrder(job.lockKey(), other.lockKey());
        assertThat(get(store.scan(SPACE.scanPattern("jo")))).containsOnly(job.lockKey());
        assertThat(get(store.scan("warden:{[jx]?b}:fence"))).containsOnly(job.fenceKey());
        assertThat(get(store.scan("nothing*"))).isEmpty();
    }

    @Test
    void renewalsShareOneGroupOnOneServer() {
        assertThat(store.renewalGroup(job.lockKey())).isEqualTo(store.renewalGroup(other.lockKey()));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The fence of a grant. */
    static long fence(CompletableFuture<Acquired> acquire) {
        Acquired acquired = get(acquire);
        assertThat(acquired).isInstanceOf(Granted.class);
        return ((Granted) acquired).fence();
    }

    // ---- semaphores ------------------------------------------------------------------------------

    final SemaphoreKeys pool = SemaphoreKeys.of("warden", "pool");

    static LockStore.PermitRequest units(int units, int limit) {
        return new LockStore.PermitRequest(units, limit, false);
    }

    @Test
    void permitsAreGrantedUntilTheirUnitsReachTheLimit() {
        assertThat(get(store.acquirePermit(pool, units(2, 3), "p1", 30_000, A)))
                .isEqualTo(new LockStore.PermitGranted(1, 3, 1));
        assertThat(get(store.acquirePermit(pool, units(2, 3), "p2", 30_000, A)))
                .isInstanceOf(LockStore.NoPermit.class)
                .satisfies(r -> assertThat(((LockStore.NoPermit) r).used()).isEqualTo(2));
        assertThat(get(store.acquirePermit(pool, units(1, 3), "p3", 30_000, B)))
                .isEqualTo(new LockStore.PermitGranted(2, 3, 0));
        assertThat(type(pool.permit("p1").lockKey())).isEqualTo("hash");
        assertThat(pttl(pool.permit("p1").lockKey())).isBetween(25_000L, 30_000L);
        assertThat(pttl(pool.stateKey())).as("the limit is kept without TTL").isEqualTo(-1L);
    }

    @Test
    void aRepeatedPermitAcquireWithTheSameTokenIsTheSameGrantAndCountsOnce() {
        get(store.acquirePermit(pool, units(1, 2), "p1", 30_000, A));
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p1", 30_000, A)))
                .as("resent: the units left free are not known then")
                .isEqualTo(new LockStore.PermitGranted(1, 2, -1));
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p2", 30_000, A)))
                .isInstanceOf(LockStore.PermitGranted.class);
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p3", 30_000, A))).isInstanceOf(LockStore.NoPermit.class);
    }

    @Test
    void aPermitReleaseIsOwnerCheckedFreesItsUnitsOnceAndAnnouncesIt() {
        subscribe(pool.channel());
        get(store.acquirePermit(pool, units(1, 2), "p0", 30_000, A));
        get(store.acquirePermit(pool, units(1, 2), "p1", 30_000, A));
        assertThat(get(store.releasePermit(pool, "intruder", 1, 0, true))).isEqualTo(Released.GONE);
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p2", 30_000, A)))
                .as("a release with a wrong token frees nothing")
                .isInstanceOf(LockStore.NoPermit.class);
        assertThat(get(store.releasePermit(pool, "p1", 1, 0, true))).isEqualTo(Released.RELEASED);
        awaitMessages(1);
        assertThat(messages).containsExactly(pool.channel());
        assertThat(get(store.releasePermit(pool, "p1", 1, 0, true)))
                .as("repeated")
                .isEqualTo(Released.GONE);
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p3", 30_000, A)))
                .isInstanceOf(LockStore.PermitGranted.class);
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p4", 30_000, A)))
                .as("the repeated release did not free the units twice: p0 and p3 hold both")
                .isInstanceOf(LockStore.NoPermit.class);
    }

    @Test
    void anExpiredHoldersUnitsAreFreedByTheNextAcquireAndARenewedOneKeepsItsUnits() {
        get(store.acquirePermit(pool, units(1, 2), "dies", 100, A));
        get(store.acquirePermit(pool, units(1, 2), "lives", 100, A));
        LockStore.PermitAcquired full = get(store.acquirePermit(pool, units(1, 2), "waits", 30_000, B));
        assertThat(full).isInstanceOf(LockStore.NoPermit.class);
        assertThat(((LockStore.NoPermit) full).retryMillis()).isBetween(1L, 100L);
        assertThat(get(store.renew(List.of(new Renewal(pool.permit("lives").lockKey(), "lives", 60_000)))))
                .containsExactly(Ownership.OWNED);
        elapse(Duration.ofMillis(150));
        assertThat(get(store.acquirePermit(pool, units(1, 2), "waits", 30_000, B)))
                .isInstanceOf(LockStore.PermitGranted.class);
        assertThat(get(store.acquirePermit(pool, units(1, 2), "more", 30_000, B)))
                .as("the renewed holder still counts")
                .isInstanceOf(LockStore.NoPermit.class);
        assertThat(get(store.inspectSemaphore(pool)).holders()).hasSize(2);
    }

    @Test
    void aDifferentLimitIsRefusedUnlessResizingAndALoweredLimitKeepsItsHolders() {
        get(store.acquirePermit(pool, units(2, 3), "p1", 30_000, A));
        assertThat(get(store.acquirePermit(pool, units(1, 4), "p2", 30_000, A)))
                .isEqualTo(new LockStore.LimitMismatch(3));
        assertThat(exists(pool.permit("p2").lockKey())).isFalse();
        assertThat(get(store.acquirePermit(pool, new LockStore.PermitRequest(1, 1, true), "p3", 30_000, A)))
                .as("lowered below the units in use")
                .isInstanceOf(LockStore.NoPermit.class);
        assertThat(exists(pool.permit("p1").lockKey())).isTrue();
        assertThat(get(store.inspectSemaphore(pool)).limit()).isEqualTo(1);
        get(store.releasePermit(pool, "p1", 2, 0, true));
        assertThat(get(store.acquirePermit(pool, units(1, 1), "p4", 30_000, A)))
                .isInstanceOf(LockStore.PermitGranted.class);
    }

    @Test
    void inspectShowsLiveHoldersAndForceReleaseRemovesThemKeepingTheLimit() {
        subscribe(pool.channel());
        get(store.acquirePermit(pool, units(2, 5), "p1", 30_000, A));
        get(store.acquirePermit(pool, units(1, 5), "p2", 40_000, B));
        LockStore.SemaphoreInspection seen = get(store.inspectSemaphore(pool));
        assertThat(seen.foreign()).isFalse();
        assertThat(seen.limit()).isEqualTo(5);
        assertThat(seen.lastIssued()).hasValue(2);
        assertThat(seen.holders()).extracting(LockStore.PermitHolder::units).containsExactly(2, 1);
        assertThat(seen.holders().get(1).holder().host()).isEqualTo("host-b");
        assertThat(seen.holders().get(1).pttlMillis()).isBetween(30_000L, 40_000L);

        assertThat(get(store.forceReleaseSemaphore(pool))).isEqualTo(2);
        awaitMessages(1);
        assertThat(exists(pool.permit("p1").lockKey())).isFalse();
        assertThat(get(store.inspectSemaphore(pool)).holders()).isEmpty();
        assertThat(get(store.inspectSemaphore(pool)).limit()).isEqualTo(5);
        assertThat(get(store.renew(List.of(new Renewal(pool.permit("p2").lockKey(), "p2", 60_000)))))
                .containsExactly(Ownership.GONE);
        assertThat(get(store.acquirePermit(pool, units(5, 5), "p3", 30_000, A)))
                .isInstanceOf(LockStore.PermitGranted.class);
    }

    @Test
    void aSemaphoreKeyHoldingForeignDataIsReportedAndNeverChanged() {
        putForeign(pool.stateKey(), "string");
        assertThat(get(store.acquirePermit(pool, units(1, 2), "p1", 30_000, A)))
                .isEqualTo(new Foreign(pool.stateKey(), "string"));
        assertThat(get(store.inspectSemaphore(pool)).foreignKey()).isEqualTo(pool.stateKey());
        assertThat(get(store.forceReleaseSemaphore(pool))).isEqualTo(-1);
        assertThat(type(pool.stateKey())).isEqualTo("string");
        assertThat(exists(pool.permit("p1").lockKey())).isFalse();
    }

    @Test
    void inspectNamesTheSemaphoreKeyThatHoldsForeignData() {
        putForeign(pool.holdersKey(), "string");
        LockStore.SemaphoreInspection seen = get(store.inspectSemaphore(pool));
        assertThat(seen.foreignKey()).isEqualTo(pool.holdersKey());
        assertThat(seen.holders()).isEmpty();
    }

    // ---- fair locks ---------------------------------------------------------------------------

    final LockKeys fairA = SPACE.fairKeys("fair", "wakeA");
    final LockKeys fairB = SPACE.fairKeys("fair", "wakeB");
    final LockKeys fairC = SPACE.fairKeys("fair", "wakeC");
    static final LockStore.Ticket TA = new LockStore.Ticket("ta", 10_000);
    static final LockStore.Ticket TB = new LockStore.Ticket("tb", 10_000);
    static final LockStore.Ticket TC = new LockStore.Ticket("tc", 10_000);

    @Test
    void aFreeFairLockWithoutQueueIsGrantedAtOnceAndLeavesNoQueue() {
        assertThat(get(store.acquireFair(fairA, TA, "a", 30_000, A))).isEqualTo(new Granted(1));
        assertThat(exists(fairA.queueKey())).isFalse();
        assertThat(exists(fairA.ticketKey("ta"))).isFalse();
        assertThat(get(store.release(fairA, "a", 0, true))).isEqualTo(Released.RELEASED);
    }

    @Test
    void fairWaitersQueueInArrivalOrderAndOnlyTheHeadIsGranted() {
        get(store.acquireFair(fairA, TA, "a", 30_000, A));
        assertThat(get(store.acquireFair(fairB, TB, "b", 30_000, B)))
                .isInstanceOfSatisfying(LockStore.Queued.class, q -> {
                    assertThat(q.ahead()).isZero();
                    assertThat(q.holder().host()).isEqualTo("host-a");
                });
        assertThat(get(store.acquireFair(fairC, TC, "c", 30_000, B)))
                .isInstanceOfSatisfying(
                        LockStore.Queued.class, q -> assertThat(q.ahead()).isEqualTo(1));
        get(store.release(fairA, "a", 0, true));
        // Free, but C is not the head: it stays queued; B is granted.
        assertThat(get(store.acquireFair(fairC, TC, "c", 30_000, B)))
                .isInstanceOfSatisfying(LockStore.Queued.class, q -> {
                    assertThat(q.ahead()).isEqualTo(1);
                    assertThat(q.pttlMillis()).isEqualTo(-2);
                });
        assertThat(get(store.acquireFair(fairB, TB, "b", 30_000, B))).isInstanceOf(Granted.class);
        assertThat(exists(fairB.ticketKey("tb"))).as("a granted ticket is gone").isFalse();
        get(store.release(fairB, "b", 0, true));
        assertThat(get(store.acquireFair(fairC, TC, "c", 30_000, B))).isInstanceOf(Granted.class);
        assertThat(exists(fairC.queueKey())).isFalse();
    }

    @Test
    void aRepeatedFairAcquireKeepsOnePlaceAndSetsTheTicketsLeaseAgain() {
        get(store.acquireFair(fairA, TA, "a", 30_000, A));
        get(store.acquireFair(fairB, new LockStore.Ticket("tb", 100), "b", 30_000, B));
        assertThat(pttl(fairB.ticketKey("tb"))).isLessThanOrEqualTo(100);
        get(store.acquireFair(fairB, TB, "b", 30_000, B));
        get(store.acquireFair(fairB, TB, "b", 30_000, B));
        assertThat(pttl(fairB.ticketKey("tb"))).isGreaterThan(5_000L);
        assertThat(pttl(fairB.queueKey())).as("the queue outlives its tickets").isGreaterThan(5_000L);
        assertThat(get(store.inspect(SPACE.keys("fair"))).queued()).isEqualTo(1);
        get(store.release(fairA, "a", 0, true));
        Acquired granted = get(store.acquireFair(fairB, TB, "b", 30_000, B));
        assertThat(granted).isInstanceOf(Granted.class);
        assertThat(get(store.acquireFair(fairB, TB, "b", 30_000, B)))
                .as("a resent acquire after the grant is the same grant")
                .isEqualTo(granted);
    }

    @Test
    void aFairReleaseWakesOnlyTheHeadTicketsWaiter() {
        subscribe(fairA.channel(), fairB.channel(), fairC.channel(), other.channel());
        get(store.acquireFair(fairA, TA, "a", 30_000, A));
        get(store.acquireFair(fairB, TB, "b", 30_000, B));
        get(store.acquireFair(fairC, TC, "c", 30_000, B));
        get(store.release(fairA, "a", 0, true));
        awaitMessages(1);
        assertNothingPublishedOn(fairC.channel());
        assertThat(messages).containsExactly(fairB.channel(), other.channel());
    }

    @Test
    void aDeadTicketAtTheHeadIsSkippedOnceItsLeaseEnds() {
        subscribe(fairC.channel());
        get(store.acquireFair(fairA, TA, "a", 30_000, A));
        get(store.acquireFair(fairB, new LockStore.Ticket("tb", 60), "b", 30_000, B));
        get(store.acquireFair(fairC, TC, "c", 30_000, B));
        elapse(Duration.ofMillis(150)); // B died: its ticket was not refreshed
        get(store.release(fairA, "a", 0, true));
        awaitMessages(1);
        assertThat(messages).containsExactly(fairC.channel());
        assertThat(get(store.acquireFair(fairC, TC, "c", 30_000, B))).isInstanceOf(Granted.class);
        assertThat(exists(fairC.queueKey())).isFalse();
    }

    @Test
    void leavingTheQueueIsOwnerCheckedSafeToRepeatAndWakesTheNextHeadOfAFreeLock() {
        subscribe(fairC.channel());
        get(store.acquireFair(fairA, TA, "a", 30_000, A));
        get(store.acquireFair(fairB, TB, "b", 30_000, B));
        get(store.acquireFair(fairC, TC, "c", 30_000, B));
        assertThat(get(store.leaveQueue(fairB, TB, "not-b"))).isEqualTo(Released.OTHER_OWNER);
        get(store.release(fairA, "a", 0, true)); // wakes B, who gives up instead of taking it
        assertThat(get(store.leaveQueue(fairB, TB, "b"))).isEqualTo(Released.RELEASED);
        assertThat(get(store.leaveQueue(fairB, TB, "b"))).isEqualTo(Released.GONE);
        awaitMessages(1);
        assertThat(messages).containsExactly(fairC.channel());
        assertThat(exists(fairB.ticketKey("tb"))).isFalse();
        assertThat(get(store.acquireFair(fairC, TC, "c", 30_000, B))).isInstanceOf(Granted.class);
    }

    @Test
    void aForeignQueueOrTicketIsReportedAndLeftUntouched() {
        putForeign(fairA.queueKey(), "string");
        assertThat(get(store.acquireFair(fairA, TA, "a", 30_000, A)))
                .isEqualTo(new Foreign(fairA.queueKey(), "string"));
        assertThat(get(store.leaveQueue(fairA, TA, "a"))).isEqualTo(Released.FOREIGN);
        assertThat(type(fairA.queueKey())).isEqualTo("string");
        LockKeys fair2 = SPACE.fairKeys("fair2", "w");
        putForeign(fair2.ticketKey("tb"), "hash");
        assertThat(get(store.acquireFair(fair2, TB, "b", 30_000, A)))
                .isEqualTo(new Foreign(fair2.ticketKey("tb"), "hash"));
        assertThat(type(fair2.ticketKey("tb"))).isEqualTo("hash");
        assertThat(exists(fair2.lockKey())).isFalse();
    }

    static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("store call failed", e);
        }
    }

    void subscribe(String... channels) {
        for (String channel : channels) {
            get(store.subscribe(channel));
        }
    }

    /** Waits (up to 2 s of real or fake time) until {@code count} messages came. */
    void awaitMessages(int count) {
        for (int i = 0; i < 100 && messages.size() < count; i++) {
            elapse(Duration.ofMillis(20));
        }
        assertThat(messages).hasSizeGreaterThanOrEqualTo(count);
    }

    /**
     * Proves a silence: announces a release on {@code other} (subscribed by the caller) and waits for
     * it. Messages on one connection arrive in order, so anything published before would be in first.
     */
    void assertNothingPublishedOn(String channel) {
        int before = messages.size();
        get(store.acquire(other, "marker", 30_000, A));
        get(store.release(other, "marker", 0, true));
        awaitMessages(before + 1);
        assertThat(messages).doesNotContain(channel).last().isEqualTo(other.channel());
    }
}
