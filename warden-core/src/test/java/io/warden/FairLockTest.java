package io.warden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lock contract, held against {@link Warden#fairLock} on a single Redis server, and what only a
 * fair lock promises: waiters served in arrival order across Wardens (processes), dead waiters'
 * tickets expiring, and waiters that give up leaving the queue clean.
 */
@WithRedis
class FairLockTest extends LockContract {
    private final RedisServer server;

    FairLockTest(RedisServer server) {
        this.server = server;
    }

    @Override
    public Warden.Builder target(Warden.Builder builder) {
        return builder.uri(server.uri());
    }

    @Override
    public Object redis(String key, String... command) {
        return server.command(command);
    }

    @Override
    protected DistributedLock lock(Warden warden, String name) {
        return warden.fairLock(name);
    }

    /**
     * A fair lock's waiters listen on their Warden's own wake channel for the lock ({@code
     * warden:{name}:wake:<instance>}), not on the lock's release channel: counted together.
     */
    @Override
    public long subscribers(String channel) {
        return wakeSubscribers(this, channel, false);
    }

    /**
     * Subscribers of a fair lock's wake channels ({@code prefix:{name}:wake:<instance>}, one per
     * Warden), for the contract's checks on {@code prefix:{name}:released}; on a Redis 7 Cluster
     * ({@code sharded}) counted among the sharded channels.
     */
    static long wakeSubscribers(LockContract contract, String channel, boolean sharded) {
        String wake = channel.replaceFirst(":released$", ":wake:*");
        long total = 0;
        for (Object each : (List<?>) contract.redis(channel, "PUBSUB", sharded ? "SHARDCHANNELS" : "CHANNELS", wake)) {
            List<?> reply =
                    (List<?>) contract.redis(channel, "PUBSUB", sharded ? "SHARDNUMSUB" : "NUMSUB", each.toString());
            total += (Long) reply.get(1);
        }
        return total;
    }

    private long queueLength(String name) {
        return (Long) server.command("ZCARD", "warden:{" + name + "}:queue");
    }

    private List<?> ticketKeys(String name) {
        return (List<?>) server.command("KEYS", "warden:{" + name + "}:ticket:*");
    }

    @Test
    void waitersOfSeveralWardensAreServedInArrivalOrder() throws Exception {
        Warden holder = wardens.open();
        Lease held = holder.fairLock("line").acquire(Duration.ZERO);
        List<Integer> served = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int arrival = i;
            Warden waiter = wardens.open();
            waiting.add(
                    waiter.fairLock("line").acquireAsync(Duration.ofSeconds(20)).thenApply(lease -> {
                        served.add(arrival);
                        return lease;
                    }));
            int queued = i + 1;
            Await.until("waiter " + i + " queued", Duration.ofSeconds(5), () -> queueLength("line") == queued);
        }
        held.release();
        for (CompletableFuture<Lease> next : waiting) {
            Lease lease = next.get(10, TimeUnit.SECONDS);
            lease.release();
        }
        assertThat(served).containsExactly(0, 1, 2, 3, 4);
        assertThat(server.command("EXISTS", "warden:{line}:queue")).isEqualTo(0L);
        assertThat(ticketKeys("line")).isEmpty();
    }

    @Test
    void aLaterWaiterCannotBargePastTheQueueWithTryAcquire() throws Exception {
        Warden a = wardens.open();
        Lease held = a.fairLock("no-barging").acquire(Duration.ZERO);
        CompletableFuture<Lease> first = wardens.open().fairLock("no-barging").acquireAsync(Duration.ofSeconds(20));
        Await.until("the first waiter queued", Duration.ofSeconds(5), () -> queueLength("no-barging") == 1);
        held.release();
        // Between the release and the head's grant the lock is free, but not for a newcomer.
        Lease next = first.get(10, TimeUnit.SECONDS);
        assertThat(wardens.open().fairLock("no-barging").tryAcquire()).isEmpty();
        next.release();
        assertThat(queueLength("no-barging"))
                .as("tryAcquire gave its ticket up")
                .isZero();
    }

    @Test
    void aReleaseWakesOnlyTheNextWaitersWarden() throws Exception {
        Warden holder = wardens.open();
        Lease held = holder.fairLock("one-wake").acquire(Duration.ZERO);
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(wardens.open().fairLock("one-wake").acquireAsync(Duration.ofSeconds(20)));
            int queued = i + 1;
            Await.until("queued", Duration.ofSeconds(5), () -> queueLength("one-wake") == queued);
        }
        Await.until("all subscribed", Duration.ofSeconds(5), () -> subscribers("warden:{one-wake}:released") == 4);
        long published = published();
        held.release();
        Lease next = waiting.get(0).get(10, TimeUnit.SECONDS);
        assertThat(published() - published)
                .as("messages published by the release: one, to the next waiter only")
                .isEqualTo(1);
        assertThat(waiting.subList(1, 4)).noneMatch(CompletableFuture::isDone);
        next.release();
        for (CompletableFuture<Lease> rest : waiting.subList(1, 4)) {
            rest.get(10, TimeUnit.SECONDS).release();
        }
    }

    private long published() {
        return server.commandCalls("publish");
    }

    /**
     * A waiter that died keeps its ticket only until the ticket's lease ends; then the queue moves
     * on. Redisson's RFairLock had queues stuck behind dead waiters (redisson/redisson#1104: a dead
     * thread at the head blocked the others for far longer than its wait, its timeouts computed on
     * client clocks; #3166: many dead waiters block a new one for a long time). The dead waiter here is a ticket that
     * nobody refreshes, written as a waiter would have written it, ahead of a live waiter.
     */
    @Test
    void aDeadWaitersTicketExpiresAndTheQueueMovesOnWithinItsLease() throws Exception {
        Duration lease = Duration.ofSeconds(1);
        Warden holder = wardens.open(b -> b.defaultLeaseTime(lease));
        Lease held = holder.fairLock("dead-waiter").acquire(Duration.ZERO);
        server.command("ZADD", "warden:{dead-waiter}:queue", "1", "deadbeef");
        server.command("PEXPIRE", "warden:{dead-waiter}:queue", "60000");
        server.command(
                "HSET",
                "warden:{dead-waiter}:ticket:deadbeef",
                "owner",
                "gone",
                "wake",
                "nobody",
                "host",
                "h",
                "pid",
                "1");
        server.command("PEXPIRE", "warden:{dead-waiter}:ticket:deadbeef", Long.toString(lease.toMillis()));
        long planted = System.nanoTime();
        Warden survivor = wardens.open(b -> b.defaultLeaseTime(lease));
        CompletableFuture<Lease> alive = survivor.fairLock("dead-waiter").acquireAsync(Duration.ofSeconds(30));
        Await.until("the survivor queued", Duration.ofSeconds(5), () -> queueLength("dead-waiter") == 2);
        held.release();
        try (Lease got = alive.get(10, TimeUnit.SECONDS)) {
            assertThat(got.isHeld()).isTrue();
        }
        assertThat(Await.millisSince(planted))
                .as("ms from the dead ticket's last refresh to the next grant")
                .isLessThan(lease.toMillis() + 1_000);
        assertThat(queueLength("dead-waiter")).isZero();
    }

    /**
     * Waiting far longer than a ticket's lease loses nobody's place: a live waiter keeps its ticket
     * alive. Redisson's RFairLock dropped live waiters that waited past its threadWaitTime, which
     * then hung forever (redisson/redisson#3004).
     */
    @Test
    void waitersWaitingManyTicketLeasesKeepTheirPlaces() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Lease held = wardens.open(b -> b.defaultLeaseTime(lease))
                .fairLock("long-wait")
                .acquire(Duration.ZERO);
        List<Integer> served = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int arrival = i;
            waiting.add(wardens.open(b -> b.defaultLeaseTime(lease))
                    .fairLock("long-wait")
                    .acquireAsync(Duration.ofSeconds(30))
                    .thenApply(got -> {
                        served.add(arrival);
                        return got;
                    }));
            int queued = i + 1;
            Await.until("queued", Duration.ofSeconds(5), () -> queueLength("long-wait") == queued);
        }
        Await.sleep(5 * lease.toMillis()); // the holder's watchdog keeps it; the tickets are refreshed
        assertThat(queueLength("long-wait")).isEqualTo(3);
        held.release();
        for (CompletableFuture<Lease> next : waiting) {
            next.get(10, TimeUnit.SECONDS).release();
        }
        assertThat(served).containsExactly(0, 1, 2);
    }

    /** A resent (or repeated) acquire with the same token and ticket keeps one place, and a resent leave is harmless. */
    @Test
    void repeatedQueueOperationsWithTheSameTokenAreSafe() throws Exception {
        Lease held = wardens.open().fairLock("resent").acquire(Duration.ZERO);
        Warden waiter = wardens.open();
        CompletableFuture<Lease> waiting = waiter.fairLock("resent").acquireAsync(Duration.ofSeconds(20));
        Await.until("queued", Duration.ofSeconds(5), () -> queueLength("resent") == 1);
        // The waiter refreshes its ticket (the same script, token and ticket) every backoff: after a
        // few, it still holds exactly one place.
        Await.sleep(600);
        assertThat(queueLength("resent")).isEqualTo(1);
        assertThat(ticketKeys("resent")).hasSize(1);
        held.release();
        waiting.get(10, TimeUnit.SECONDS).release();
    }

    @Test
    void aWaiterThatTimesOutLeavesTheQueueClean() throws Exception {
        Lease held = wardens.open().fairLock("timeout").acquire(Duration.ZERO);
        assertThatThrownBy(() -> wardens.open().fairLock("timeout").acquire(Duration.ofMillis(300)))
                .isInstanceOf(LockTimeoutException.class);
        Await.until("the ticket is gone", Duration.ofSeconds(2), () -> queueLength("timeout") == 0);
        assertThat(ticketKeys("timeout")).isEmpty();
        held.release();
    }

    @Test
    void theQueueShowsInAdminWithTheNextWaiter() throws Exception {
        Warden warden = wardens.open();
        Lease held = warden.fairLock("shown").acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = wardens.open().fairLock("shown").acquireAsync(Duration.ofSeconds(20));
        Await.until("queued", Duration.ofSeconds(5), () -> queueLength("shown") == 1);
        LockInfo info = warden.admin().inspect("shown");
        assertThat(info.queued()).isEqualTo(1);
        assertThat(info.nextInQueue()).isPresent();
        assertThat(warden.admin().list("")).extracting(LockInfo::name).containsExactly("shown");
        held.release();
        waiting.get(10, TimeUnit.SECONDS).release();
        assertThat(warden.admin().inspect("shown").queued()).isZero();
    }

    @Test
    void oneWardenRefusesToUseANameAsPlainAndFairAtOnce() throws Exception {
        Warden warden = wardens.open();
        try (Lease held = warden.fairLock("mixed").acquire(Duration.ZERO)) {
            assertThatThrownBy(() -> warden.lock("mixed").acquire(Duration.ZERO))
                    .isInstanceOf(WardenException.class)
                    .hasMessageContaining("fair");
        }
    }
}
