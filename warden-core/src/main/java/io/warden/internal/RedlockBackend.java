package io.warden.internal;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.warden.RedisUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redlock over N independent masters: every script runs on all nodes in parallel and the replies
 * are combined so that the engine above sees one Redis that holds a lock only when a majority does.
 *
 * <ul>
 *   <li><b>Acquire</b> holds when a majority granted it and the grant arrived within the lease minus
 *       the drift allowance (validity is measured from the send time by the lease itself). A
 *       minority grant is given back at once, quietly (no release message, so the contenders it
 *       collided with back off instead of colliding again).
 *   <li><b>Fencing</b>: each node mints from its own counter; the acquisition's token is the
 *       highest counter among the nodes that granted it, and every node's counter is then raised to
 *       it (a majority must confirm before the lease is handed out). Any later majority shares a
 *       node with that one, so it mints a higher token — as long as no node loses its counter (a
 *       restart without persistence does).
 *   <li><b>Extend</b> (watchdog): a lease is renewed when a majority renewed it; when a majority
 *       answers that it does not hold it, it is lost; when too few nodes answer, the renewal
 *       failed and is retried until the lease's deadline.
 *   <li><b>Release</b> goes to every node; a node that is down lets the key expire.
 * </ul>
 */
final class RedlockBackend implements RedisBackend {
    private static final Logger log = LoggerFactory.getLogger(RedlockBackend.class);

    private final List<RedlockNode> nodes;
    private final int quorum;
    private final String address;
    private final ClientResources resources;
    private final ExecutorService connector;

    private RedlockBackend(
            List<RedlockNode> nodes, String address, ClientResources resources, ExecutorService connector) {
        this.nodes = List.copyOf(nodes);
        this.quorum = nodes.size() / 2 + 1;
        this.address = address;
        this.resources = resources;
        this.connector = connector;
    }

    static RedlockBackend connect(Settings settings) {
        String address = RedisUris.describe("redlock", settings.redlockNodes());
        ClientResources resources = DefaultClientResources.create();
        ExecutorService connector = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "warden-redlock-connect");
            thread.setDaemon(true);
            return thread;
        });
        List<RedlockNode> nodes = new ArrayList<>();
        for (var uri : settings.redlockNodes()) {
            nodes.add(new RedlockNode(settings.forNode(uri), resources, connector));
        }
        RedlockBackend backend = new RedlockBackend(nodes, address, resources, connector);
        int reachable = 0;
        for (RedlockNode node : nodes) {
            reachable += node.connectNow() ? 1 : 0;
        }
        if (reachable < backend.quorum) {
            backend.close();
            throw new RedisUnavailableException(
                    null,
                    address,
                    "cannot connect: only " + reachable + " of " + nodes.size()
                            + " Redlock nodes are reachable; a majority (" + backend.quorum + ") is needed",
                    null);
        }
        return backend;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        CompletableFuture<?> result = switch (script) {
            case ACQUIRE -> acquire(keys, args);
            case EXTEND -> extend(keys, args);
            case RELEASE -> release(keys, args);
            case INSPECT -> inspect(keys, args);
            case FORCE_RELEASE -> forceRelease(keys, args);
            case FENCE_FLOOR ->
                CompletableFuture.failedFuture(new IllegalArgumentException("fence_floor is Redlock's own step"));
        };
        return (CompletableFuture<T>) result;
    }

    // ---- acquire ---------------------------------------------------------------------------------

    private CompletableFuture<List<Object>> acquire(String[] keys, String[] args) {
        String token = args[0];
        long ttlNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
        boolean mint = "1".equals(args[4]);
        long sentAt = System.nanoTime();
        return this.<List<Object>>gather(
                        node -> node.eval(LuaScript.ACQUIRE, ScriptOutputType.MULTI, keys, args),
                        replies -> granted(replies) >= quorum || granted(replies) + replies.pending() < quorum)
                .thenCompose(replies -> {
                    long elapsed = System.nanoTime() - sentAt;
                    int granted = granted(replies);
                    if (granted >= quorum && elapsed < ttlNanos - LeaseSpec.driftNanos(ttlNanos)) {
                        if (!mint) {
                            return CompletableFuture.completedFuture(List.<Object>of(1L, 0L));
                        }
                        long fence = replies.ok().stream()
                                .filter(RedlockBackend::isGrant)
                                .mapToLong(reply -> (Long) reply.get(1))
                                .max()
                                .orElseThrow();
                        return raiseFence(keys, token, fence).thenApply(ok -> List.<Object>of(1L, fence));
                    }
                    giveBack(keys[0], token);
                    RedisException foreign = replies.foreignError();
                    if (foreign != null) {
                        return CompletableFuture.failedFuture(foreign);
                    }
                    if (granted >= quorum) {
                        return CompletableFuture.failedFuture(
                                new RedisException("a majority granted the lock only after "
                                        + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, too late for a "
                                        + TimeUnit.NANOSECONDS.toMillis(ttlNanos) + " ms lease; it was given back"));
                    }
                    for (List<Object> reply : replies.ok()) {
                        if (!isGrant(reply)) {
                            return CompletableFuture.completedFuture(reply); // held: the caller waits
                        }
                    }
                    return CompletableFuture.failedFuture(tooFewNodes(replies));
                });
    }

    private static boolean isGrant(List<Object> reply) {
        return Long.valueOf(1).equals(reply.get(0));
    }

    private static int granted(Replies<List<Object>> replies) {
        int granted = 0;
        for (List<Object> reply : replies.ok()) {
            granted += isGrant(reply) ? 1 : 0;
        }
        return granted;
    }

    /** Raises every node's counter to {@code fence}; fails (giving the lock back) without a majority. */
    private CompletableFuture<Void> raiseFence(String[] keys, String token, long fence) {
        String[] fenceKeys = {keys[1], keys[0]};
        return this.<Long>gather(
                        node -> node.eval(
                                LuaScript.FENCE_FLOOR,
                                ScriptOutputType.INTEGER,
                                fenceKeys,
                                Long.toString(fence),
                                token),
                        replies -> raised(replies) >= quorum || raised(replies) + replies.pending() < quorum)
                .thenCompose(replies -> {
                    if (raised(replies) >= quorum) {
                        return CompletableFuture.completedFuture(null);
                    }
                    giveBack(keys[0], token);
                    RedisException foreign = replies.foreignError();
                    return CompletableFuture.failedFuture(
                            foreign != null
                                    ? foreign
                                    : new RedisException("the fencing token could not be recorded on a majority ("
                                            + raised(replies) + " of " + nodes.size() + "); the lock was given back"));
                });
    }

    private static int raised(Replies<Long> replies) {
        int raised = 0;
        for (Long code : replies.ok()) {
            raised += code >= 0 ? 1 : 0;
        }
        return raised;
    }

    /** Owner-checked release on every node, announcing nothing; errors ignored (keys expire). */
    private void giveBack(String lockKey, String token) {
        for (RedlockNode node : nodes) {
            node.<Long>eval(LuaScript.RELEASE, ScriptOutputType.INTEGER, new String[] {lockKey}, token, "", "0", "n")
                    .whenComplete((code, error) -> {
                        if (error != null) {
                            log.debug(
                                    "giving back {} on {} failed; it expires with its lease: {}",
                                    lockKey,
                                    node.address(),
                                    Failures.rootMessage(error));
                        }
                    });
        }
    }

    // ---- extend, release, inspect, force release -------------------------------------------------

    private CompletableFuture<List<Long>> extend(String[] keys, String[] args) {
        return this.<List<Long>>gather(
                        node -> node.eval(LuaScript.EXTEND, ScriptOutputType.MULTI, keys, args),
                        replies -> everyKeyDecided(replies, keys.length))
                .thenCompose(replies -> {
                    if (replies.ok().size() < quorum) {
                        return CompletableFuture.failedFuture(tooFewNodes(replies));
                    }
                    List<Long> merged = new ArrayList<>(keys.length);
                    for (int i = 0; i < keys.length; i++) {
                        merged.add(extendCode(replies.ok(), i));
                    }
                    return CompletableFuture.completedFuture(merged);
                });
    }

    private boolean everyKeyDecided(Replies<List<Long>> replies, int keyCount) {
        for (int i = 0; i < keyCount; i++) {
            int renewed = 0;
            for (List<Long> codes : replies.ok()) {
                renewed += codes.get(i) == 1 ? 1 : 0;
            }
            if (renewed < quorum && renewed + replies.pending() >= quorum) {
                return false;
            }
        }
        return replies.ok().size() >= quorum;
    }

    /** 1 when a majority renewed key {@code i}; else why not: foreign data, another owner, or gone. */
    private long extendCode(List<List<Long>> replies, int i) {
        int renewed = 0;
        boolean foreign = false;
        boolean otherOwner = false;
        for (List<Long> codes : replies) {
            long code = codes.get(i);
            renewed += code == 1 ? 1 : 0;
            foreign |= code == -2;
            otherOwner |= code == -1;
        }
        return renewed >= quorum ? 1 : foreign ? -2 : otherOwner ? -1 : 0;
    }

    private CompletableFuture<Long> release(String[] keys, String[] args) {
        return this.<Long>gather(node -> node.eval(LuaScript.RELEASE, ScriptOutputType.INTEGER, keys, args), r -> false)
                .thenCompose(replies -> {
                    if (replies.ok().isEmpty()) {
                        return CompletableFuture.failedFuture(tooFewNodes(replies));
                    }
                    for (long preferred : new long[] {1, 2, -2, -1}) {
                        if (replies.ok().contains(preferred)) {
                            return CompletableFuture.completedFuture(preferred);
                        }
                    }
                    return CompletableFuture.completedFuture(0L);
                });
    }

    private CompletableFuture<List<Object>> inspect(String[] keys, String[] args) {
        return this.<List<Object>>gather(
                        node -> node.eval(LuaScript.INSPECT, ScriptOutputType.MULTI, keys, args), r -> false)
                .thenCompose(replies -> {
                    if (replies.ok().size() < quorum) {
                        return CompletableFuture.failedFuture(tooFewNodes(replies));
                    }
                    String lastIssued = "";
                    long highest = -1;
                    List<Object> held = null;
                    int heldCount = 0;
                    List<Object> foreign = null;
                    List<Object> free = null;
                    for (List<Object> reply : replies.ok()) {
                        String issued = (String) reply.get(6);
                        if (!issued.isEmpty() && Long.parseLong(issued) > highest) {
                            highest = Long.parseLong(issued);
                            lastIssued = issued;
                        }
                        switch ((String) reply.get(0)) {
                            case "held" -> {
                                heldCount++;
                                // The shortest remaining time is the safe one to show.
                                if (held == null || (Long) reply.get(1) < (Long) held.get(1)) {
                                    held = reply;
                                }
                            }
                            case "foreign" -> foreign = reply;
                            default -> free = reply;
                        }
                    }
                    List<Object> chosen = heldCount >= quorum ? held : foreign != null ? foreign : free;
                    if (chosen == null) {
                        chosen = List.of("free", -2L, "", "", "", "", "");
                    }
                    List<Object> merged = new ArrayList<>(chosen);
                    merged.set(6, lastIssued);
                    return CompletableFuture.completedFuture(merged);
                });
    }

    private CompletableFuture<List<Object>> forceRelease(String[] keys, String[] args) {
        return this.<List<Object>>gather(
                        node -> node.eval(LuaScript.FORCE_RELEASE, ScriptOutputType.MULTI, keys, args), r -> false)
                .thenCompose(replies -> {
                    if (replies.ok().isEmpty()) {
                        return CompletableFuture.failedFuture(tooFewNodes(replies));
                    }
                    List<Object> answer = List.of(0L);
                    for (List<Object> reply : replies.ok()) {
                        long code = (Long) reply.get(0);
                        if (code == 1) {
                            return CompletableFuture.completedFuture(reply);
                        }
                        if (code == -2) {
                            answer = reply;
                        }
                    }
                    return CompletableFuture.completedFuture(answer);
                });
    }

    private RedisConnectionException tooFewNodes(Replies<?> replies) {
        Throwable first = replies.errors().isEmpty() ? null : replies.errors().get(0);
        return new RedisConnectionException(
                "only " + replies.ok().size() + " of " + nodes.size() + " Redlock nodes answered; a majority (" + quorum
                        + ") is needed" + (first == null ? "" : ": " + Failures.rootMessage(first)),
                first);
    }

    // ---- fan-out ---------------------------------------------------------------------------------

    /**
     * Sends {@code call} to every node and completes with the replies so far once {@code decided}
     * says they suffice, or once every node answered or failed (each call is bounded by the command
     * timeout). Later replies are ignored.
     */
    private <R> CompletableFuture<Replies<R>> gather(
            Function<RedlockNode, CompletableFuture<R>> call, Predicate<Replies<R>> decided) {
        Replies.Collector<R> collector = new Replies.Collector<>(nodes.size());
        CompletableFuture<Replies<R>> done = new CompletableFuture<>();
        for (RedlockNode node : nodes) {
            CompletableFuture<R> reply;
            try {
                reply = call.apply(node);
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((value, error) -> {
                Replies<R> snapshot = collector.record(value, error == null ? null : Failures.unwrap(error));
                if (snapshot.pending() == 0 || decided.test(snapshot)) {
                    done.complete(snapshot);
                }
            });
        }
        return done;
    }

    // ---- pub/sub, scan, close ------------------------------------------------------------------

    @Override
    public int renewalGroup(String key) {
        return 0;
    }

    @Override
    public void onReleaseMessage(java.util.function.Consumer<String> listener) {
        nodes.forEach(node -> node.onReleaseMessage(listener));
    }

    /** Subscribes on every node; confirmed once any node confirmed (messages are only a wake-up). */
    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return this.<Void>gather(
                        node -> node.subscribe(channel),
                        replies -> !replies.ok().isEmpty() || replies.errors().size() == nodes.size())
                .thenCompose(replies -> replies.errors().size() == nodes.size()
                        ? CompletableFuture.failedFuture(tooFewNodes(replies))
                        : CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return this.<Void>gather(node -> node.unsubscribe(channel), r -> false).thenApply(replies -> null);
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return this.<List<String>>gather(node -> node.scan(pattern), r -> false).thenCompose(replies -> {
            if (replies.ok().isEmpty()) {
                return CompletableFuture.failedFuture(tooFewNodes(replies));
            }
            LinkedHashSet<String> keys = new LinkedHashSet<>();
            replies.ok().forEach(keys::addAll);
            return CompletableFuture.completedFuture(List.copyOf(keys));
        });
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
