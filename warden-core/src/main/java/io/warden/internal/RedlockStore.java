package io.warden.internal;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.warden.RedisUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redlock over N independent masters: each operation goes to every node's {@link ScriptStore} in
 * parallel and the typed replies are combined by {@link Quorum}, so that the engine sees one store
 * that holds a lock only when a majority does.
 *
 * <ul>
 *   <li><b>Acquire</b> is {@link Granted} when a majority granted it, and answers as soon as that
 *       is decided (a majority granted, or the missing replies can no longer make one): a slow or
 *       down node never holds it up. Without a majority the minority grants are given back on
 *       each node as soon as its acquire answered, quietly (no release message, so the contenders it collided with back off
 *       instead of colliding again), and the answer is {@link Foreign}, {@link Held}, or a failed
 *       future when too few nodes answered. Whether the grant came in time for its lease is the
 *       engine's check, on its own clock: this store reads no clock.
 *   <li><b>Fencing</b>: each node mints from its own counter (floored by its own clock, unless
 *       small tokens were asked for); the token is the highest among the granting nodes, and every
 *       node's counter is then raised to it, a majority confirming before the grant is returned.
 *       Any later majority shares a node with that one, so it mints a higher token. When every
 *       granting node reported the same token the raise is skipped: that majority already holds it.
 *       A node that loses its counter (a restart without persistence) starts again at its clock
 *       with clock-floored tokens, and at 1 with small ones.
 *   <li><b>Renew</b>: a key is OWNED when a majority renewed it; the future fails when fewer than a
 *       majority answered at all (the engine retries until the lease's deadline).
 *   <li><b>Release</b> goes to every node, and is sent again to a node where it failed after it
 *       may have been sent; a node that is down lets the key expire. Its outcome is unknown (a
 *       failed future) when fewer than a majority of nodes answered: the others may keep the key,
 *       and with it the lock, until the TTL.
 * </ul>
 *
 * <p>A give-back is asked only after its node answered the acquire it undoes, so it lands after
 * it. A failed future means too few nodes answered:
 * a Lettuce RedisConnectionException naming how many did and the majority needed (a RedisException
 * when the fencing token reached too few counters), which {@link Failures} turns into a
 * RedisUnavailableException naming the lock.
 */
final class RedlockStore implements LockStore {
    private static final Logger log = LoggerFactory.getLogger(RedlockStore.class);
    /** Pauses before each repeat of a release that failed on a node; see {@link #releaseOn}. */
    private static final long[] RELEASE_RETRY_DELAYS_MILLIS = {50, 250, 1_000};

    private final List<RedlockNode> nodes;
    private final Quorum quorum;
    private final String address;
    private final ClientResources resources;
    private final ExecutorService connector;

    private RedlockStore(
            List<RedlockNode> nodes, String address, ClientResources resources, ExecutorService connector) {
        this.nodes = List.copyOf(nodes);
        this.quorum = new Quorum(nodes.size());
        this.address = address;
        this.resources = resources;
        this.connector = connector;
    }

    /**
     * Connects to every node of {@code target.redlockNodes()}; nodes down now are connected later.
     *
     * @throws RedisUnavailableException when fewer than a majority are reachable
     */
    static RedlockStore connect(Connection target, Ticker ticker) {
        String address = RedisUris.describe("redlock", target.redlockNodes());
        ClientResources resources = DefaultClientResources.create();
        ExecutorService connector = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "warden-redlock-connect");
            thread.setDaemon(true);
            return thread;
        });
        List<RedlockNode> nodes = new ArrayList<>();
        for (var uri : target.redlockNodes()) {
            nodes.add(new RedlockNode(target.forNode(uri), resources, connector, ticker));
        }
        RedlockStore store = new RedlockStore(nodes, address, resources, connector);
        int reachable = 0;
        for (RedlockNode node : nodes) {
            reachable += node.connectNow() ? 1 : 0;
        }
        if (reachable < store.quorum.majority()) {
            store.close();
            throw new RedisUnavailableException(
                    null,
                    address,
                    "cannot connect: only " + reachable + " of " + nodes.size()
                            + " Redlock nodes are reachable; a majority (" + store.quorum.majority() + ") is needed",
                    null);
        }
        return store;
    }

    @Override
    public String address() {
        return address;
    }

    // ---- acquire -------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Acquired> acquire(
            LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
        List<CompletableFuture<Acquired>> acquires =
                each(node -> node.call(one -> one.acquire(keys, token, ttlMillis, stamp, waits)));
        return Replies.collect(acquires, quorum::acquireDecided).thenCompose(replies -> {
            if (quorum.granted(replies) < quorum.majority()) {
                giveBack(acquires, keys, token);
                Acquired refusal = Quorum.refusal(replies);
                return refusal != null
                        ? CompletableFuture.completedFuture(refusal)
                        : CompletableFuture.failedFuture(quorum.tooFewNodes(replies));
            }
            if (!stamp.fencing()) {
                return CompletableFuture.completedFuture(new Granted(0));
            }
            long fence = Quorum.highestFence(replies);
            if (Quorum.grantsAgree(replies)) {
                // Every granting node, a majority, minted or stored this very token, so each of
                // their counters is already at least it, and their leases record it: raising
                // would change nothing there. The nodes left below it are the others (refused,
                // down, or not answered yet), a minority, and every later majority shares a node
                // with this one, which mints above it. That is what the raise guarantees too: it
                // needs only a majority of confirmations, so it may leave the same minority below.
                return CompletableFuture.completedFuture(new Granted(fence));
            }
            return raiseFence(acquires, keys, token, fence);
        });
    }

    /**
     * Refused: a fair queue would need the nodes to agree on ticket order, which a quorum of
     * independent masters cannot give without a consensus protocol. {@code Warden.fairLock} refuses
     * before any call gets here.
     */
    @Override
    public CompletableFuture<Acquired> acquireFair(
            LockKeys keys, Ticket ticket, String token, long ttlMillis, Stamp stamp) {
        return CompletableFuture.failedFuture(fairRefused(keys));
    }

    @Override
    public CompletableFuture<Released> leaveQueue(LockKeys keys, Ticket ticket, String token) {
        return CompletableFuture.failedFuture(fairRefused(keys));
    }

    static UnsupportedOperationException fairRefused(LockKeys keys) {
        return new UnsupportedOperationException("lock '" + keys.name()
                + "': fair locks are not available on Redlock (independent masters cannot agree on a"
                + " queue order by quorum); use a single server, Sentinel or Cluster");
    }

    /** Raises every node's counter to {@code fence}; without a majority the grant is given back. */
    private CompletableFuture<Acquired> raiseFence(
            List<CompletableFuture<Acquired>> acquires, LockKeys keys, String token, long fence) {
        return this.<Ownership>gather(one -> one.raiseFence(keys, token, fence), quorum::raiseDecided)
                .thenCompose(replies -> {
                    if (Quorum.raised(replies) >= quorum.majority()) {
                        return CompletableFuture.completedFuture(new Granted(fence));
                    }
                    giveBack(acquires, keys, token);
                    if (replies.ok().contains(Ownership.FOREIGN)) {
                        // fence_floor does not say which type the counter holds.
                        return CompletableFuture.completedFuture(new Foreign(keys.fenceKey(), "unknown"));
                    }
                    return CompletableFuture.failedFuture(
                            new RedisException("the fencing token could not be recorded on a majority: "
                                    + quorum.tooFewNodes(replies).getMessage() + "; the lock was given back"));
                });
    }

    /**
     * Owner-checked release, announcing nothing, on every node that granted or may have (its
     * acquire failed after it may have been sent), each once that node's acquire has answered:
     * commands asked from different threads (the caller's, a reply's I/O thread) have no order on
     * the wire, and a give-back that overtook its acquire would find nothing and leave the grant
     * behind until its TTL. Never waited for; errors are only logged (the keys expire).
     */
    private void giveBack(List<CompletableFuture<Acquired>> acquires, LockKeys keys, String token) {
        for (int i = 0; i < nodes.size(); i++) {
            RedlockNode node = nodes.get(i);
            acquires.get(i)
                    .handle((acquired, error) -> acquired instanceof Granted
                            || (error != null && !(Failures.unwrap(error) instanceof RedisConnectionException)))
                    .thenCompose(mayHold -> mayHold
                            ? releaseOn(node, keys, token, 0, false)
                            : CompletableFuture.completedFuture(Released.GONE))
                    .whenComplete((released, error) -> {
                        if (error != null) {
                            log.debug(
                                    "giving back {} on {} failed; it expires with its lease: {}",
                                    keys.lockKey(),
                                    node.address(),
                                    Failures.rootMessage(error));
                        }
                    });
        }
    }

    /**
     * An owner-checked release on one node, sent again (same token, so repeating it is safe) after
     * a failure that may have left the key there: a timed-out command may never have been written,
     * and a live node would keep the key, and with a minority down the lock's only majority, until
     * the TTL. Not sent again when the first attempt found the node down (it was not sent). A GONE
     * after a failed attempt counts as RELEASED: that attempt may have deleted it.
     */
    private static CompletableFuture<Released> releaseOn(
            RedlockNode node, LockKeys keys, String token, long keepMillis, boolean announce) {
        return node.call(store -> store.release(keys, token, keepMillis, announce))
                .handle((released, error) -> error == null
                        ? CompletableFuture.completedFuture(released)
                        : Failures.unwrap(error) instanceof RedisConnectionException
                                ? CompletableFuture.<Released>failedFuture(Failures.unwrap(error))
                                : releaseAgain(node, keys, token, keepMillis, announce, 0))
                .thenCompose(Function.identity());
    }

    private static CompletableFuture<Released> releaseAgain(
            RedlockNode node, LockKeys keys, String token, long keepMillis, boolean announce, int retry) {
        Executor later = CompletableFuture.delayedExecutor(RELEASE_RETRY_DELAYS_MILLIS[retry], TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> node, later)
                .thenCompose(ready -> ready.call(store -> store.release(keys, token, keepMillis, announce)))
                .handle((released, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(
                                released == Released.GONE ? Released.RELEASED : released);
                    }
                    log.debug(
                            "release of {} on {} failed, attempt {}: {}",
                            keys.lockKey(),
                            node.address(),
                            retry + 2,
                            Failures.rootMessage(error));
                    return retry + 1 < RELEASE_RETRY_DELAYS_MILLIS.length
                            ? releaseAgain(node, keys, token, keepMillis, announce, retry + 1)
                            : CompletableFuture.<Released>failedFuture(Failures.unwrap(error));
                })
                .thenCompose(Function.identity());
    }

    // ---- renew, release, inspect, force release ------------------------------------------------

    @Override
    public CompletableFuture<List<Ownership>> renew(List<Renewal> batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Renewal> requests = List.copyOf(batch);
        return this.<List<Ownership>>gather(
                        one -> one.renew(requests), replies -> quorum.renewDecided(replies, requests.size()))
                .thenCompose(replies -> replies.ok().size() < quorum.majority()
                        ? CompletableFuture.failedFuture(quorum.tooFewNodes(replies))
                        : CompletableFuture.completedFuture(quorum.renewals(replies.ok(), requests.size())));
    }

    @Override
    public CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce) {
        return Replies.collect(
                        each(node -> releaseOn(node, keys, token, keepMillis, announce)), RedlockStore.<Released>all())
                .thenCompose(replies -> {
                    RedisConnectionException unknown = quorum.releaseUnknown(replies);
                    return unknown != null
                            ? CompletableFuture.failedFuture(unknown)
                            : CompletableFuture.completedFuture(Quorum.release(replies.ok()));
                });
    }

    @Override
    public CompletableFuture<Inspection> inspect(LockKeys keys) {
        return this.<Inspection>gather(one -> one.inspect(keys), all())
                .thenCompose(replies -> replies.ok().size() < quorum.majority()
                        ? CompletableFuture.failedFuture(quorum.tooFewNodes(replies))
                        : CompletableFuture.completedFuture(quorum.inspection(replies.ok())));
    }

    @Override
    public CompletableFuture<ForceReleased> forceRelease(LockKeys keys) {
        return this.<ForceReleased>gather(one -> one.forceRelease(keys), all())
                .thenCompose(replies -> anyAnswered(replies, Quorum::forceRelease));
    }

    private <R, A> CompletableFuture<A> anyAnswered(Replies<R> replies, Function<List<R>, A> merge) {
        return replies.ok().isEmpty()
                ? CompletableFuture.failedFuture(quorum.noneAnswered(replies))
                : CompletableFuture.completedFuture(merge.apply(replies.ok()));
    }

    // ---- fan-out -------------------------------------------------------------------------------

    /** Waits for every node: nothing is decided before all answered. */
    private static <R> Predicate<Replies<R>> all() {
        return Replies::allAnswered;
    }

    /** Sends {@code call} to every node's store; see {@link Replies#collect}. */
    private <R> CompletableFuture<Replies<R>> gather(
            Function<ScriptStore, CompletableFuture<R>> call, Predicate<Replies<R>> decided) {
        return Replies.collect(each(node -> node.call(call)), decided);
    }

    private <R> List<CompletableFuture<R>> each(Function<RedlockNode, CompletableFuture<R>> call) {
        List<CompletableFuture<R>> replies = new ArrayList<>(nodes.size());
        for (RedlockNode node : nodes) {
            replies.add(call.apply(node));
        }
        return replies;
    }

    // ---- pub/sub, scan, close ------------------------------------------------------------------

    /** One group: every node takes any keys in one script call. */
    // Semaphores are refused on Redlock (WardenCore.semaphore says so before any of these runs): a
    // permit count split across independent masters would need a quorum of counts, which no node
    // can check atomically.

    @Override
    public CompletableFuture<PermitAcquired> acquirePermit(
            SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp) {
        return refuseSemaphore(keys);
    }

    @Override
    public CompletableFuture<Released> releasePermit(
            SemaphoreKeys keys, String token, int units, long keepMillis, boolean announce) {
        return refuseSemaphore(keys);
    }

    @Override
    public CompletableFuture<SemaphoreInspection> inspectSemaphore(SemaphoreKeys keys) {
        return refuseSemaphore(keys);
    }

    @Override
    public CompletableFuture<Integer> forceReleaseSemaphore(SemaphoreKeys keys) {
        return refuseSemaphore(keys);
    }

    private static <T> CompletableFuture<T> refuseSemaphore(SemaphoreKeys keys) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "semaphore '" + keys.name() + "': semaphores are not available on Redlock"));
    }

    @Override
    public int renewalGroup(String lockKey) {
        return 0;
    }

    @Override
    public void onReleaseMessage(Consumer<String> listener) {
        nodes.forEach(node -> node.onReleaseMessage(listener));
    }

    /** Subscribes on every node; confirmed once any node confirmed (messages are only a wake-up). */
    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return Replies.collect(
                        each(node -> node.subscribe(channel)),
                        replies -> !replies.ok().isEmpty())
                .thenCompose(replies -> anyAnswered(replies, ok -> null));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return Replies.collect(each(node -> node.unsubscribe(channel)), RedlockStore.<Void>all())
                .thenApply(replies -> null);
    }

    /** The union of every node's keys; fails only when no node answered. */
    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return Replies.collect(each(node -> node.scan(pattern)), RedlockStore.<List<String>>all())
                .thenCompose(replies -> anyAnswered(replies, ok -> {
                    LinkedHashSet<String> keys = new LinkedHashSet<>();
                    ok.forEach(keys::addAll);
                    return List.copyOf(keys);
                }));
    }

    @Override
    public void close() {
        for (RedlockNode node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                log.debug("closing Redlock node {} failed", node.address(), e);
            }
        }
        connector.shutdownNow();
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
