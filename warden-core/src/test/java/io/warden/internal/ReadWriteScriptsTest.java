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
        LockKeys mine = write.withCompanion("intent-1");
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
        LockKeys first = write.withCompanion("intent-1");
        LockKeys second = write.withCompanion("intent-2");
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
        LockStore.Held held = (LockStore.Held) call(store.acquire(write.withCompanion("intent-1"), "w1", 3000, STAMP));
        assertThat(held.pttlMillis()).isBetween(1L, 1000L);
        assertThat(held.holder()).isNotNull();
        assertThat(held.holder().host()).isEqualTo("host");
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
        assertThat(call(store.acquire(read.withCompanion("w1"), "r2", 5000, STAMP)))
                .isInstanceOf(LockStore.Granted.class);
        call(store.release(write, "w1", 0, true));
        assertThat(call(store.acquire(write, "w2", 5000, STAMP))).isInstanceOf(LockStore.Held.class);
    }
}
