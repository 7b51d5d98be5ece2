package io.warden.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.warden.internal.sim.FaultPlan;
import io.warden.internal.sim.Trace;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One client's unreliable connection to a {@link LockStore}, on a {@link FakeScheduler}: every call
 * travels to the server, runs there, and its reply travels back, each leg delayed as the {@link
 * FaultPlan} draws from a seeded {@link Random}. Per call it may also fail before running, run but
 * lose its reply, run twice (a client replay; either run answers), or overtake its neighbours
 * (otherwise commands and replies keep the connection's FIFO order). A replay is what Lettuce does
 * after a reconnect: the first run's reply is lost with the connection, the command is resent
 * before any command the client sent later (so later commands run after it, reordered or not),
 * and the replay's reply answers the call; a replayed release that finds the key gone answers
 * {@link Released#RELEASED}, as {@link ScriptStore} reports a release in flight across a
 * disconnect (its first run is the likeliest to have deleted the key). A call unanswered after the
 * command timeout fails with {@link RedisCommandTimeoutException}, whether or not it ran; a command
 * that reaches the server later still runs. {@link #pause()} stops the server like SIGSTOP:
 * arriving commands wait unexecuted, and run in order at {@link #resume()}. Release messages may
 * be delayed or lost. Every call and fault is written to the {@link Trace}.
 *
 * <p>Meant for an inner store whose futures complete at once ({@link MemoryStore}). Not modelled:
 * connection state (a dropped connection losing its subscriptions), partial batches, or faults of
 * {@link #renewalGroup}, {@link #onReleaseMessage} and {@link #close} themselves.
 */
public final class FaultyStore implements LockStore {
    private final LockStore inner;
    private final FakeScheduler scheduler;
    private final FaultPlan plan;
    private final Random random;
    private final Trace trace;
    private final String name;
    private final Queue<Runnable> paused = new ArrayDeque<>();
    private boolean serverPaused;
    private long calls;
    private long lastRunAt;
    private long lastReplyAt;
    private long lastMessageAt;
    private long replayBarrier = Long.MIN_VALUE;
    private long faults;
    private boolean bypassed;
    private Function<String, String> tokenNames = FaultyStore::shortToken;
    private BiConsumer<String, Released> serverReleases = (token, outcome) -> {};

    public FaultyStore(LockStore inner, FakeScheduler scheduler, FaultPlan plan, long seed, Trace trace, String name) {
        this.inner = inner;
        this.scheduler = scheduler;
        this.plan = plan;
        this.random = new Random(seed);
        this.trace = trace;
        this.name = name;
    }

    /** Faults injected so far (failures, drops, replays, reorders, slow legs, lost messages, pauses). */
    public synchronized long faults() {
        return faults;
    }

    /**
     * From now on calls go straight to the inner store, answered at once: lets a simulation close
     * an engine (whose close waits for its releases) on the scheduler's own thread. Commands
     * already in flight still arrive as drawn.
     */
    public synchronized void bypass() {
        bypassed = true;
        trace.log(name + " BYPASSED: calls answered directly from now on");
    }

    /** How tokens are named in the trace (default: their first 8 characters). */
    public synchronized void nameTokens(Function<String, String> names) {
        this.tokenNames = names;
    }

    /** Told of every run of a release at the server, with the server's own outcome. */
    public synchronized void onServerRelease(BiConsumer<String, Released> listener) {
        this.serverReleases = listener;
    }

    /** Stops the server: commands arriving from now on wait, unexecuted, until {@link #resume()}. */
    public synchronized void pause() {
        serverPaused = true;
        faults++;
        trace.log(name + " server PAUSED");
    }

    /** Runs the waiting commands, in arrival order, and serves normally again. */
    public void resume() {
        List<Runnable> waiting;
        synchronized (this) {
            serverPaused = false;
            waiting = List.copyOf(paused);
            paused.clear();
            trace.log(name + " server RESUMED, running " + waiting.size() + " waiting command(s)");
        }
        waiting.forEach(Runnable::run);
    }

    @Override
    public String address() {
        return inner.address();
    }

    @Override
    public CompletableFuture<Acquired> acquire(
            LockKeys keys, String token, long ttlMillis, Stamp stamp, boolean waits) {
        return call(
                "acquire " + keys.name() + " " + brief(token) + " ttl " + ttlMillis,
                () -> inner.acquire(keys, token, ttlMillis, stamp, waits));
    }

    @Override
    public CompletableFuture<Acquired> acquireFair(
            LockKeys keys, Ticket ticket, String token, long ttlMillis, Stamp stamp) {
        return call(
                "acquireFair " + keys.name() + " " + brief(token) + " ticket " + brief(ticket.id()),
                () -> inner.acquireFair(keys, ticket, token, ttlMillis, stamp));
    }

    @Override
    public CompletableFuture<Released> leaveQueue(LockKeys keys, Ticket ticket, String token) {
        return call("leaveQueue " + keys.name() + " " + brief(token), () -> inner.leaveQueue(keys, ticket, token));
    }

    @Override
    public CompletableFuture<List<Ownership>> renew(List<Renewal> batch) {
        StringBuilder what = new StringBuilder("renew");
        batch.forEach(r -> what.append(' ').append(r.lockKey()).append('/').append(brief(r.token())));
        return call(what.toString(), () -> inner.renew(batch));
    }

    @Override
    public CompletableFuture<Released> release(LockKeys keys, String token, long keepMillis, boolean announce) {
        String what = "release " + keys.name() + " " + brief(token) + (keepMillis > 0 ? " keep " + keepMillis : "")
                + (announce ? "" : " quietly");
        Supplier<CompletableFuture<Released>> run =
                () -> inner.release(keys, token, keepMillis, announce).thenApply(outcome -> {
                    serverReleases.accept(token, outcome);
                    return outcome;
                });
        // The replay answers the call; like ScriptStore after a disconnect, GONE or OTHER_OWNER
        // means RELEASED (its first run may have deleted the key, and another owner taken it).
        Supplier<CompletableFuture<Released>> replay = () -> run.get()
                .thenApply(outcome ->
                        outcome == Released.GONE || outcome == Released.OTHER_OWNER ? Released.RELEASED : outcome);
        return call(what, run, replay);
    }

    @Override
    public boolean handsOff(LockKeys keys) {
        return inner.handsOff(keys);
    }

    @Override
    public CompletableFuture<HandedOff> releaseTo(LockKeys keys, String token, Successor next) {
        String what = "releaseTo " + keys.name() + " " + brief(token) + " -> " + brief(next.token());
        Supplier<CompletableFuture<HandedOff>> run =
                () -> inner.releaseTo(keys, token, next).thenApply(outcome -> {
                    serverReleases.accept(token, outcome.released());
                    return outcome;
                });
        // As for release: a replay's GONE or OTHER_OWNER means its first run handed the lock on.
        Supplier<CompletableFuture<HandedOff>> replay = () -> run.get()
                .thenApply(outcome -> outcome.released() == Released.GONE || outcome.released() == Released.OTHER_OWNER
                        ? new HandedOff(Released.RELEASED, outcome.acquired())
                        : outcome);
        return call(what, run, replay);
    }

    @Override
    public CompletableFuture<Inspection> inspect(LockKeys keys) {
        return call("inspect " + keys.name(), () -> inner.inspect(keys));
    }

    @Override
    public CompletableFuture<ForceReleased> forceRelease(LockKeys keys) {
        return call("forceRelease " + keys.name(), () -> inner.forceRelease(keys));
    }

    @Override
    public CompletableFuture<PermitAcquired> acquirePermit(
            SemaphoreKeys keys, PermitRequest request, String token, long ttlMillis, Stamp stamp) {
        return call("acquirePermit " + keys.name(), () -> inner.acquirePermit(keys, request, token, ttlMillis, stamp));
    }

    @Override
    public CompletableFuture<Released> releasePermit(
            SemaphoreKeys keys, String token, int units, long keepMillis, boolean announce) {
        return call(
                "releasePermit " + keys.name(), () -> inner.releasePermit(keys, token, units, keepMillis, announce));
    }

    @Override
    public CompletableFuture<SemaphoreInspection> inspectSemaphore(SemaphoreKeys keys) {
        return call("inspectSemaphore " + keys.name(), () -> inner.inspectSemaphore(keys));
    }

    @Override
    public CompletableFuture<Integer> forceReleaseSemaphore(SemaphoreKeys keys) {
        return call("forceReleaseSemaphore " + keys.name(), () -> inner.forceReleaseSemaphore(keys));
    }

    @Override
    public int renewalGroup(String lockKey) {
        return inner.renewalGroup(lockKey);
    }

    @Override
    public void onReleaseMessage(Consumer<String> listener) {
        inner.onReleaseMessage(channel -> {
            synchronized (this) {
                if (roll(plan.messageLoss())) {
                    faults++;
                    trace.log(name + " message on " + channel + " LOST");
                    return;
                }
                long at = Math.max(scheduler.ticker().nanos() + draw(plan.maxMessageDelay()), lastMessageAt + 1);
                lastMessageAt = at;
                scheduler.schedule(
                        () -> listener.accept(channel), at - scheduler.ticker().nanos());
            }
        });
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        return call("subscribe " + channel, () -> inner.subscribe(channel));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        return call("unsubscribe " + channel, () -> inner.unsubscribe(channel));
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return call("scan " + pattern, () -> inner.scan(pattern));
    }

    @Override
    public void close() {
        inner.close();
    }

    // ---- the connection ---------------------------------------------------------------------------

    private <T> CompletableFuture<T> call(String what, Supplier<CompletableFuture<T>> command) {
        return call(what, command, command);
    }

    private synchronized <T> CompletableFuture<T> call(
            String what, Supplier<CompletableFuture<T>> command, Supplier<CompletableFuture<T>> replayCommand) {
        String id = name + " #" + (++calls);
        if (bypassed) {
            trace.log(id + " " + what + " -> runs directly");
            return command.get();
        }
        CompletableFuture<T> reply = new CompletableFuture<>();
        Duration timeout = plan.commandTimeout();
        Scheduler.Cancellable timer = scheduler.schedule(
                () -> {
                    if (reply.completeExceptionally(new RedisCommandTimeoutException(
                            "Command timed out after " + timeout.toMillis() + " ms (simulated)"))) {
                        trace.log(id + " TIMED OUT");
                    }
                },
                timeout.toNanos());
        reply.whenComplete((value, error) -> timer.cancel());
        long now = scheduler.ticker().nanos();
        if (roll(plan.failBefore())) {
            faults++;
            trace.log(id + " " + what + " -> FAILS BEFORE RUNNING");
            scheduler.schedule(
                    () -> reply.completeExceptionally(new RedisConnectionException("Connection reset (simulated)")),
                    draw(plan.maxDelay()));
            return reply;
        }
        boolean reorder = roll(plan.reorder());
        boolean drop = roll(plan.dropReply());
        boolean twice = roll(plan.duplicate());
        long runAt = now + delay();
        if (!reorder) {
            runAt = Math.max(runAt, lastRunAt + 1);
        }
        // A replay after a reconnect is resent before anything the client sent later.
        runAt = Math.max(runAt, replayBarrier + 1);
        lastRunAt = Math.max(lastRunAt, runAt);
        faults += (reorder ? 1 : 0) + (drop ? 1 : 0) + (twice ? 1 : 0);
        trace.log(id + " " + what + " -> runs in " + ms(runAt - now) + (reorder ? " REORDERED" : "")
                + (drop ? " REPLY DROPPED" : "") + (twice ? " DUPLICATED: reconnect, the replay answers" : ""));
        Attempt<T> first = new Attempt<>(id, command, reply, drop || twice, reorder);
        scheduler.schedule(() -> arrive(first), runAt - now);
        if (twice) {
            long replayAt = runAt + 1 + delay();
            replayBarrier = replayAt;
            lastRunAt = Math.max(lastRunAt, replayAt);
            Attempt<T> second = new Attempt<>(id + " (replay)", replayCommand, reply, drop, reorder);
            scheduler.schedule(() -> arrive(second), replayAt - now);
        }
        return reply;
    }

    /** One run of a command at the server, and whether its reply reaches the caller. */
    private record Attempt<T>(
            String id,
            Supplier<CompletableFuture<T>> command,
            CompletableFuture<T> reply,
            boolean replyLost,
            boolean reorder) {}

    private synchronized <T> void arrive(Attempt<T> attempt) {
        if (serverPaused) {
            trace.log(attempt.id() + " waits: server paused");
            paused.add(() -> arrive(attempt));
            return;
        }
        CompletableFuture<T> result = attempt.command().get();
        boolean late = attempt.reply().isDone();
        trace.log(attempt.id() + " RAN" + (late ? " after its call had ended" : ""));
        if (attempt.replyLost()) {
            return;
        }
        long now = scheduler.ticker().nanos();
        long replyAt = now + delay();
        if (!attempt.reorder()) {
            replyAt = Math.max(replyAt, lastReplyAt + 1);
        }
        lastReplyAt = Math.max(lastReplyAt, replyAt);
        long replyDelay = replyAt - now;
        result.whenComplete((value, error) -> scheduler.schedule(() -> answer(attempt, value, error), replyDelay));
    }

    private <T> void answer(Attempt<T> attempt, T value, Throwable error) {
        boolean delivered = error == null
                ? attempt.reply().complete(value)
                : attempt.reply().completeExceptionally(error);
        // Without the holder's wall-clock "since", which would make a seed's trace differ between runs.
        String outcome = (error == null ? String.valueOf(value) : error.toString()).replaceAll(" since \\S+", "");
        trace.log(attempt.id() + (delivered ? " replied " : " late reply discarded: ") + outcome);
    }

    private long delay() {
        if (roll(plan.slow())) {
            faults++;
            return draw(plan.maxSlowDelay());
        }
        return draw(plan.maxDelay());
    }

    private long draw(Duration bound) {
        long nanos = bound.toNanos();
        return nanos <= 0 ? 0 : random.nextLong(nanos + 1);
    }

    private boolean roll(double chance) {
        return chance > 0 && random.nextDouble() < chance;
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3fms", nanos / 1e6);
    }

    private String brief(String token) {
        return tokenNames.apply(token);
    }

    private static String shortToken(String token) {
        return token.length() <= 8 ? token : token.substring(0, 8);
    }
}
