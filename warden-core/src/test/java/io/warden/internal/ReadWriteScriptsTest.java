package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read-write lock's scripts on a real Redis, one command at a time: what a command resent with
 * the same token does (Lettuce resends after a reconnect; a caller retries after a timeout), and that
 * every write is owner-checked.
 */
@WithRedis
class ReadWriteScriptsTest {
    private static final LockStore.Stamp STAMP =
            new LockStore.Stamp("host", 42, LockStore.Minting.COUNTER, System.currentTimeMillis());

    private final RedisServer server;
    private final KeySpace space = new KeySpace("warden");
    private final LockKeys read = space.readWriteKeys("doc", LockKeys.Role.READ);
    private final LockKeys write = space.readWriteKeys("doc", LockKeys.Role.WRITE);
    private ScriptStore store;

    ReadWriteScriptsTest(RedisServer server) {
        this.server = server;
    }

    @BeforeEach
    void open() {
        store = new ScriptStore(StandaloneBackend.connect(
                Connection.to(RedisURI.create(server.uri()), Duration.ofSeconds(2)), false, null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private <T> T call(java.util.concurrent.CompletableFuture<T> future) {
        return Futures.awaitUninterruptibly(future);
    }

    private long members() {
        return (Long) server.command("ZCARD", "warden:{doc}:rw:readers");
    }

    @Test
    void aResentReadAcquireIsTheSameGrantAndAResentReleaseFindsItGone() {
        LockStore.Acquired first = call(store.acquire(read, "r1", 5000, STAMP));
        LockStore.Acquired again = call(store.acquire(read, "r1", 5000, STAMP));
        assertThat(first).isInstanceOf(LockStore.Granted.class).isEqualTo(again);
        assertThat(members()).isEqualTo(1);
        assertThat(server.command("GET", "warden:{doc}:rw:fence")).isEqualTo("1");
        assertThat(call(store.release(read, "r1", 0, true))).isEqualTo(LockStore.Released.RELEASED);
        assertThat(call(store.release(read, "r1", 0, true))).isEqualTo(LockStore.Released.GONE);
        assertThat(server.command("EXISTS", "warden:{doc}:rw:r:r1", "warden:{doc}:rw:readers"))
                .isEqualTo(0L);
    }

    @Test
    void aResentWriteAcquireIsTheSameGrantAndItsReleaseIsOwnerChecked() {
        LockKeys mine = write.withIntent("intent-1");
        LockStore.Acquired first = call(store.acquire(mine, "w1", 5000, STAMP));
        assertThat(call(store.acquire(mine, "w1", 5000, STAMP))).isEqualTo(first);
        assertThat(call(store.acquire(write, "w2", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
        assertThat(call(store.release(write, "w2", 0, true))).isEqualTo(LockStore.Released.OTHER_OWNER);
        assertThat(server.command("EXISTS", "warden:{doc}:rw:w")).isEqualTo(1L);
        assertThat(call(store.release(mine, "w1", 0, true))).isEqualTo(LockStore.Released.RELEASED);
        assertThat(call(store.release(mine, "w1", 0, true))).isEqualTo(LockStore.Released.GONE);
    }

    @Test
    void aWaitingWritersAttemptsRefreshOneMarkerAndAnotherWriterLeavesItAlone() {
        call(store.acquire(read, "r1", 5000, STAMP));
        LockKeys first = write.withIntent("intent-1");
        LockKeys second = write.withIntent("intent-2");
        assertThat(call(store.acquire(first, "attempt-1", 2000, STAMP))).isInstanceOf(LockStore.Held.class);
        assertThat(server.command("HGET", "warden:{doc}:rw:intent", "owner")).isEqualTo("intent-1");
        assertThat(call(store.acquire(first, "attempt-2", 2000, STAMP))).isInstanceOf(LockStore.Held.class);
        assertThat(call(store.acquire(second, "attempt-3", 2000, STAMP))).isInstanceOf(LockStore.Held.class);
        assertThat(server.command("HGET", "warden:{doc}:rw:intent", "owner")).isEqualTo("intent-1");
        assertThat((Long) server.command("PTTL", "warden:{doc}:rw:intent")).isBetween(1L, 2000L);
        assertThat(call(store.acquire(read, "r2", 5000, STAMP)))
                .as("a new reader waits behind the marker")
                .isInstanceOf(LockStore.Held.class);
        // The second writer gives up: the first one's marker stays.
        call(store.release(second, "intent-2", 0, true));
        assertThat(server.command("HGET", "warden:{doc}:rw:intent", "owner")).isEqualTo("intent-1");
        // The first gives up: its marker goes, and the writer's key (there is none) is left alone.
        assertThat(call(store.release(first, "intent-1", 0, true))).isEqualTo(LockStore.Released.GONE);
        assertThat(server.command("EXISTS", "warden:{doc}:rw:intent")).isEqualTo(0L);
        assertThat(call(store.acquire(read, "r2", 5000, STAMP))).isInstanceOf(LockStore.Granted.class);
    }

    @Test
    void theWaitReportedToAWriterIsBoundedByAThirdOfItsMarkersLease() {
        call(store.acquire(read, "r1", 60_000, STAMP));
        LockStore.Held held = (LockStore.Held) call(store.acquire(write.withIntent("intent-1"), "w1", 3000, STAMP));
        assertThat(held.pttlMillis()).isBetween(1L, 1000L);
        assertThat(held.holder()).isNotNull();
        assertThat(held.holder().host()).isEqualTo("host");
    }

    @Test
    void aReaderPastItsRecordedExpiryIsLookedAtAgainWhenItsKeyWouldExpire() {
        call(store.acquire(read, "r1", 400, STAMP));
        server.command("ZADD", "warden:{doc}:rw:readers", "1", "r1"); // as if renewed since it was recorded
        LockStore.Held held = (LockStore.Held) call(store.acquire(write.withIntent("wi"), "w1", 5000, STAMP));
        assertThat(held.pttlMillis())
                .as("re-scored by its key's TTL, not a second ahead")
                .isBetween(1L, 400L);
    }

    @Test
    void readersAreRenewedByTheBatchedRenewalLikeLockKeys() {
        call(store.acquire(read, "r1", 1000, STAMP));
        call(store.acquire(write, "w1", 1000, STAMP)); // held by the reader: no key
        List<LockStore.Ownership> outcomes = call(store.renew(List.of(
                new LockStore.Renewal(read.leaseKey("r1"), "r1", 30_000),
                new LockStore.Renewal(write.leaseKey("w1"), "w1", 30_000))));
        assertThat(outcomes).containsExactly(LockStore.Ownership.OWNED, LockStore.Ownership.GONE);
        assertThat((Long) server.command("PTTL", "warden:{doc}:rw:r:r1")).isGreaterThan(20_000L);
    }

    @Test
    void aDowngradingReaderIsGrantedDespiteItsOwnWriterAndNoOtherIs() {
        call(store.acquire(write, "w1", 5000, STAMP));
        assertThat(call(store.acquire(read, "r1", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
        assertThat(call(store.acquire(read.withDowngradeFrom("w1"), "r2", 5000, STAMP)))
                .isInstanceOf(LockStore.Granted.class);
        call(store.release(write, "w1", 0, true));
        assertThat(call(store.acquire(write, "w2", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
    }

    // ---- phases ----------------------------------------------------------------------------------

    private static final String WAITING = "warden:{doc}:rw:waiting";
    private static final String ADMITTED = "warden:{doc}:rw:admitted";

    private boolean registered(String set, String intentId) {
        return server.command("ZSCORE", set, intentId) != null;
    }

    @Test
    void aReaderRefusedByAWriterIsAdmittedBeforeTheNextWriterAndLaterReadersGoAfterIt() {
        LockKeys firstWriter = write.withIntent("wi-1");
        LockKeys reader = read.withIntent("ri-1");
        call(store.acquire(firstWriter, "w1", 5000, STAMP));
        assertThat(call(store.acquire(reader, "r1", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
        assertThat(call(store.acquire(reader, "r1", 5000, STAMP)))
                .as("resent: the same refusal, the same registration")
                .isInstanceOf(LockStore.Held.class);
        assertThat(server.command("ZCARD", ADMITTED)).isEqualTo(1L);
        assertThat(registered(ADMITTED, "ri-1")).isTrue();
        assertThat((Long) server.command("PTTL", ADMITTED)).isBetween(1L, 3000L);
        call(store.release(firstWriter, "w1", 0, true));

        LockKeys secondWriter = write.withIntent("wi-2");
        LockStore.Held held = (LockStore.Held) call(store.acquire(secondWriter, "w2", 5000, STAMP));
        assertThat(held.pttlMillis()).as("wakes before the registration lapses").isBetween(1L, 3000L);
        assertThat(server.command("HGET", "warden:{doc}:rw:intent", "owner")).isEqualTo("wi-2");
        assertThat(call(store.acquire(write, "w-try", 5000, STAMP)))
                .as("nor does a writer that will not wait get in before the admitted reader")
                .isInstanceOf(LockStore.Held.class);

        LockKeys later = read.withIntent("ri-2");
        assertThat(call(store.acquire(later, "r2", 5000, STAMP)))
                .as("a reader arriving now waits behind the waiting writer")
                .isInstanceOf(LockStore.Held.class);
        assertThat(registered(WAITING, "ri-2")).isTrue();

        LockStore.Acquired in = call(store.acquire(reader, "r1b", 5000, STAMP));
        assertThat(in).as("the admitted reader passes the marker").isInstanceOf(LockStore.Granted.class);
        assertThat(call(store.acquire(reader, "r1b", 5000, STAMP))).isEqualTo(in);
        assertThat(registered(ADMITTED, "ri-1"))
                .as("its grant used the admission up")
                .isFalse();
        assertThat(call(store.acquire(secondWriter, "w2", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
        call(store.release(reader, "r1b", 0, true));

        LockStore.Acquired granted = call(store.acquire(secondWriter, "w2", 5000, STAMP));
        assertThat(granted).isInstanceOf(LockStore.Granted.class);
        assertThat(call(store.acquire(secondWriter, "w2", 5000, STAMP)))
                .as("resent grant")
                .isEqualTo(granted);
        assertThat(server.command("EXISTS", WAITING, "warden:{doc}:rw:intent")).isEqualTo(0L);
        assertThat(registered(ADMITTED, "ri-2"))
                .as("the reader that waited behind this writer enters before the next one")
                .isTrue();
        call(store.release(secondWriter, "w2", 0, true));

        assertThat(call(store.acquire(write.withIntent("wi-3"), "w3", 5000, STAMP)))
                .isInstanceOf(LockStore.Held.class);
        assertThat(call(store.acquire(later, "r2b", 5000, STAMP))).isInstanceOf(LockStore.Granted.class);
        assertThat(server.command("EXISTS", ADMITTED)).isEqualTo(0L);
    }

    @Test
    void aReaderThatGivesUpWithdrawsItsRegistrationAndLeavesEveryLeaseAlone() {
        LockKeys reader = read.withIntent("ri-1");
        call(store.acquire(write, "w1", 5000, STAMP));
        call(store.acquire(read, "r0", 5000, STAMP)); // will not wait: no registration
        assertThat(server.command("EXISTS", ADMITTED)).isEqualTo(0L);
        call(store.acquire(reader, "r1", 5000, STAMP));
        assertThat(registered(ADMITTED, "ri-1")).isTrue();
        assertThat(call(store.release(reader, "ri-1", 0, true))).isEqualTo(LockStore.Released.GONE);
        assertThat(call(store.release(reader, "ri-1", 0, true))).as("resent").isEqualTo(LockStore.Released.GONE);
        assertThat(registered(ADMITTED, "ri-1")).isFalse();
        assertThat(server.command("EXISTS", "warden:{doc}:rw:w")).isEqualTo(1L);
        call(store.release(write, "w1", 0, true));
        assertThat(call(store.acquire(write, "w2", 5000, STAMP))).isInstanceOf(LockStore.Granted.class);
    }

    @Test
    void aLapsedRegistrationHoldsNoWriterBackAndIsNotCarriedIntoTheNextPhase() throws Exception {
        call(store.acquire(write.withIntent("wi-1"), "w1", 5000, STAMP));
        // A lease of 300 ms: the registration lives 300 ms, and the reader is told to come back sooner.
        LockStore.Held held = (LockStore.Held) call(store.acquire(read.withIntent("ri-1"), "r1", 300, STAMP));
        assertThat(held.pttlMillis()).isBetween(1L, 100L);
        call(store.release(write.withIntent("wi-1"), "w1", 0, true));
        assertThat(call(store.acquire(write, "w2", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
        Thread.sleep(400);
        assertThat(call(store.acquire(write, "w2", 5000, STAMP))).isInstanceOf(LockStore.Granted.class);
        call(store.release(write, "w2", 0, true));

        // Behind a waiting writer, then lapsed before that writer's grant: not admitted by it.
        call(store.acquire(read, "r2", 5000, STAMP));
        call(store.acquire(write.withIntent("wi-3"), "w3", 5000, STAMP));
        call(store.acquire(read.withIntent("ri-4"), "r4", 300, STAMP));
        assertThat(registered(WAITING, "ri-4")).isTrue();
        call(store.release(read, "r2", 0, true));
        Thread.sleep(400);
        assertThat(call(store.acquire(write.withIntent("wi-3"), "w3", 5000, STAMP)))
                .isInstanceOf(LockStore.Granted.class);
        assertThat(server.command("EXISTS", WAITING, ADMITTED)).isEqualTo(0L);
    }

    @Test
    void theWaitReportedToAWaitingReaderIsBoundedByAThirdOfItsRegistration() {
        call(store.acquire(write, "w1", 60_000, STAMP));
        LockStore.Held waiting = (LockStore.Held) call(store.acquire(read.withIntent("ri-1"), "r1", 30_000, STAMP));
        assertThat(waiting.pttlMillis()).isBetween(1L, 1000L);
        assertThat(waiting.holder()).isNotNull();
        LockStore.Held trying = (LockStore.Held) call(store.acquire(read, "r2", 30_000, STAMP));
        assertThat(trying.pttlMillis())
                .as("a reader that will not wait is told the writer's TTL")
                .isGreaterThan(50_000L);
    }

    @Test
    void registrationSetsHoldingForeignDataAreReportedAndLeftUntouched() {
        server.command("SET", ADMITTED, "mine");
        LockStore.Foreign foreign = new LockStore.Foreign(ADMITTED, "string");
        assertThat(call(store.acquire(write, "w1", 5000, STAMP))).isEqualTo(foreign);
        assertThat(call(store.acquire(read.withIntent("ri-1"), "r1", 5000, STAMP)))
                .isEqualTo(foreign);
        assertThat(server.command("EXISTS", "warden:{doc}:rw:w", "warden:{doc}:rw:r:r1", WAITING))
                .isEqualTo(0L);
        assertThat(call(store.release(read.withIntent("ri-1"), "ri-1", 0, true)))
                .as("a withdrawal leaves it alone too")
                .isEqualTo(LockStore.Released.GONE);
        LockStore.ReadWriteInspection seen = call(store.inspectReadWrite(write));
        assertThat(seen.foreignKey()).isEqualTo(ADMITTED);
        assertThat(call(store.forceReleaseReadWrite(write)).foreignKey()).isEqualTo(ADMITTED);
        assertThat(server.command("GET", ADMITTED)).isEqualTo("mine");
    }

    @Test
    void inspectionCountsLiveRegistrationsAndForceReleaseRemovesThem() {
        call(store.acquire(write, "w1", 5000, STAMP));
        call(store.acquire(read.withIntent("ri-1"), "r1", 5000, STAMP));
        call(store.acquire(read.withIntent("ri-2"), "r2", 5000, STAMP));
        server.command("ZADD", WAITING, "1", "lapsed-long-ago");
        LockStore.ReadWriteInspection seen = call(store.inspectReadWrite(write));
        assertThat(seen.admittedReaders()).isEqualTo(2);
        assertThat(seen.waitingReaders()).isZero();
        assertThat(call(store.forceReleaseReadWrite(write)).admittedReaders()).isEqualTo(2);
        assertThat(server.command("EXISTS", "warden:{doc}:rw:w", WAITING, ADMITTED))
                .isEqualTo(0L);
    }
}
