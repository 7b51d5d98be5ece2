package io.warden.internal;

import io.warden.internal.sim.FaultPlan;
import io.warden.internal.sim.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One deterministic run of the lease protocol, fixed by its seed: one fake clock and scheduler
 * (also every engine's callback executor), one in-memory Redis, 2 to 4 processes each with its own
 * connection behind its own {@link FaultyStore} and its own {@link Engine}, 1 or 2 clients per
 * process contending for 1 or 2 lock names, and whole-server pauses. {@link SimInvariants} are
 * checked after every scheduler step; at the end clients stop, engines close and the scheduler runs
 * dry before the leak checks.
 *
 * <p>Simulated: latency (including legs far longer than a lease), commands failing before running,
 * lost replies (timeouts of commands that ran), Lettuce replays after a reconnect, server pauses,
 * lost and late release messages, and every ordering of tasks due at the same instant. Not
 * simulated: real threads (tasks never overlap), reordering on one connection (Lettuce keeps the
 * order), clock drift between processes, replication and failover, and faults while closing (an
 * engine closes over a direct connection, because {@link Engine#close} waits for its releases).
 */
final class SimWorld {
    /** The fake time clients act for; then they stop and everything drains. */
    static final Duration ACTIVE = Duration.ofSeconds(15);

    private static final int STEP_LIMIT = 3_000_000;

    final long seed;
    final FakeScheduler scheduler;
    final Trace trace;
    final MemoryStore server;
    final SimInvariants invariants;
    final List<String> names;
    final Duration defaultLease;
    private final Random random;
    private final List<SimProcess> processes = new ArrayList<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<LeaseHandle, SimLease> byHandle = new IdentityHashMap<>();
    private long steps;

    SimWorld(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        FakeTicker ticker = new FakeTicker();
        this.scheduler = new FakeScheduler(ticker, random.nextLong());
        this.trace = new Trace(ticker::nanos, 50_000);
        this.server = new MemoryStore(ticker, scheduler);
        this.invariants = new SimInvariants(server, ticker, trace);
        this.names = random.nextBoolean() ? List.of("a") : List.of("a", "b");
        this.defaultLease = Duration.ofMillis(100 + random.nextInt(900));
        int count = 2 + random.nextInt(3);
        for (int p = 0; p < count; p++) {
            SimProcess process = new SimProcess(this, p, drawPlan(), defaultLease, random.nextLong());
            int clients = 1 + random.nextInt(2);
            for (int c = 0; c < clients; c++) {
                process.clients.add(new SimClient(this, process, process.name + "/c" + c, random.nextLong()));
            }
            processes.add(process);
        }
        trace.log("seed " + seed + ": " + count + " processes, names " + names + ", default lease "
                + defaultLease.toMillis() + "ms");
    }

    private FaultPlan drawPlan() {
        boolean calm = random.nextInt(5) == 0;
        return new FaultPlan(
                Duration.ofMillis(500 + random.nextInt(1500)),
                Duration.ofMillis(random.nextInt(6)),
                calm ? 0 : random.nextDouble() * 0.05,
                Duration.ofMillis(50 + random.nextInt(3000)),
                calm ? 0 : random.nextDouble() * 0.04,
                calm ? 0 : random.nextDouble() * 0.06,
                calm ? 0 : random.nextDouble() * 0.06,
                0, // Lettuce keeps the order of commands on one connection
                random.nextDouble() * 0.1,
                Duration.ofMillis(random.nextInt(10)));
    }

    /** Runs the world; returns the first violation, or null. */
    String run() {
        processes.forEach(p -> p.clients.forEach(SimClient::start));
        schedulePauses();
        long activeUntil = scheduler.ticker().nanos() + ACTIVE.toNanos();
        runWhile(() -> scheduler.nextDue() <= activeUntil);
        if (invariants.violation() == null) {
            trace.log("clients stop");
            processes.forEach(p -> p.clients.forEach(SimClient::stop));
            long drainUntil = scheduler.ticker().nanos() + Duration.ofSeconds(8).toNanos();
            runWhile(() -> scheduler.nextDue() <= drainUntil);
        }
        if (invariants.violation() == null) {
            trace.log("engines close");
            processes.forEach(SimProcess::close);
            runWhile(() -> true);
        }
        if (invariants.violation() == null) {
            invariants.atEnd(scheduler, processes);
        }
        return invariants.violation();
    }

    private void runWhile(java.util.function.BooleanSupplier more) {
        invariants.afterStep();
        while (invariants.violation() == null && more.getAsBoolean() && runNext()) {
            if (++steps > STEP_LIMIT) {
                invariants.fail("more than " + STEP_LIMIT + " steps: something loops");
            }
            invariants.afterStep();
        }
    }

    private boolean runNext() {
        try {
            return scheduler.runNext();
        } catch (RuntimeException | Error e) {
            java.io.StringWriter stack = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(stack));
            invariants.fail("a simulated task threw " + stack);
            return false;
        }
    }

    /** Pauses of the whole server (every connection's commands wait), some longer than leases. */
    private void schedulePauses() {
        int pauses = random.nextInt(4);
        for (int i = 0; i < pauses; i++) {
            long at = (long) (random.nextDouble() * ACTIVE.toNanos());
            long length = Duration.ofMillis(20 + random.nextInt(2500)).toNanos();
            scheduler.schedule(() -> processes.forEach(p -> p.store.pause()), at);
            scheduler.schedule(() -> processes.forEach(p -> p.store.resume()), at + length);
        }
    }

    /** Records a handle a client got; returns its lease (new, or shared by re-entry). */
    SimLease granted(SimProcess process, String client, LeaseHandle handle) {
        SimLease lease =
                invariants.granted(process.name, client, alias(handle.state().token()), handle.state());
        byHandle.put(handle, lease);
        return lease;
    }

    SimLease lease(LeaseHandle handle) {
        return byHandle.get(handle);
    }

    /** A stable short name for an owner token (tokens themselves are random): T1, T2, ... */
    String alias(String token) {
        return aliases.computeIfAbsent(token, t -> "T" + (aliases.size() + 1));
    }

    long steps() {
        return steps;
    }

    long faults() {
        return processes.stream().mapToLong(p -> p.store.faults()).sum();
    }

    int leases() {
        return invariants.leases().size();
    }

    long losses() {
        return invariants.leases().stream().filter(l -> l.lostCalls > 0).count();
    }
}
