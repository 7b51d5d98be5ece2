package io.warden.chaos;

import io.warden.testkit.ChildJvm;
import io.warden.testkit.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Injects faults into a {@link ChaosCluster} on a schedule drawn from a seeded {@link Random}: rounds
 * of every configured fault type in shuffled order, each applied, held for a drawn time, healed, and
 * followed by a quiet gap in which the checker measures recovery. Faults aimed at a worker hit the
 * current holder (the last writer to the resource) most of the time, since a fault on an idle worker
 * proves little. Every start and heal is recorded in the {@code nemesis} history. One fault at a time.
 */
public final class Nemesis {
    /** The process name of the nemesis's events. */
    public static final String PROCESS = "nemesis";

    private static final int GAP_MIN_MILLIS = 2_000;
    private static final int GAP_SPREAD_MILLIS = 1_000;

    private final ChaosCluster cluster;
    private final RunSettings settings;
    private final Random random;
    private final History history;

    public Nemesis(ChaosCluster cluster, RunSettings settings, History history) {
        this.cluster = cluster;
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.history = history;
    }

    /** Runs whole rounds until the duration is spent; the first round always completes. */
    public void run() {
        long deadline = System.nanoTime() + settings.duration().toNanos();
        boolean firstRound = true;
        while (firstRound || System.nanoTime() - deadline < 0) {
            List<Fault> round = new ArrayList<>(settings.faults());
            Collections.shuffle(round, random);
            for (Fault fault : round) {
                if (!firstRound && System.nanoTime() - deadline >= 0) {
                    return;
                }
                apply(fault);
                ChaosCluster.sleepMillis(GAP_MIN_MILLIS + random.nextInt(GAP_SPREAD_MILLIS));
            }
            firstRound = false;
        }
    }

    private void apply(Fault fault) {
        long lease = settings.lease().toMillis();
        switch (fault) {
            case PAUSE_WORKER -> {
                ChaosCluster.Slot slot = target(10);
                ChildJvm worker = slot.worker;
                long millis = lease * 3 / 2 + random.nextInt((int) lease * 3 / 2);
                start(fault, slot.processName(), millis + "ms");
                worker.pause();
                ChaosCluster.sleepMillis(millis);
                worker.resume();
                heal(fault);
            }
            case KILL_WORKER -> {
                ChaosCluster.Slot slot = target(10);
                start(fault, slot.processName(), "");
                slot.worker.kill();
                heal(fault);
                cluster.replace(slot);
            }
            case BLACKHOLE -> {
                ChaosCluster.Slot slot = target(7);
                long millis = lease * 3 / 2 + random.nextInt((int) lease * 3 / 2);
                start(fault, slot.processName(), millis + "ms");
                slot.proxy.blackhole();
                ChaosCluster.sleepMillis(millis);
                slot.proxy.heal();
                heal(fault);
            }
            case LATENCY -> {
                ChaosCluster.Slot slot = target(7);
                FaultProxy proxy = slot.proxy;
                long delay = 20 + random.nextInt(100);
                long millis = 2_000 + random.nextInt(1_000);
                start(fault, slot.processName(), delay + "ms for " + millis + "ms");
                proxy.latency(Duration.ofMillis(delay));
                ChaosCluster.sleepMillis(millis);
                proxy.heal();
                heal(fault);
            }
            case CUT -> {
                ChaosCluster.Slot slot = target(7);
                start(fault, slot.processName(), "");
                slot.proxy.cutAll();
                heal(fault);
            }
            case ACQUIRE_LATENCY -> acquireLatency(fault);
            case CUT_IN_FLIGHT -> cutInFlight(fault);
            case PAUSE_REDIS_DURING_RELEASE -> pauseRedisDuringRelease(fault);
            case PAUSE_REDIS_SHORT -> pauseRedis(fault, lease / 5 + random.nextInt((int) lease * 3 / 10));
            case PAUSE_REDIS_LONG -> pauseRedis(fault, lease * 3 / 2 + random.nextInt((int) lease));
            case RESTART_REDIS_AOF, RESTART_REDIS_NO_PERSISTENCE -> {
                start(fault, "redis", "appendonly=" + settings.appendOnly());
                cluster.lockRedis().killAndRestart();
                heal(fault);
            }
        }
    }

    /**
     * Latency on every proxy with a round trip (two delayed chunks) longer than the lease and shorter
     * than the command timeout: a grant then arrives after the lease it grants ran out, but before the
     * client gives up on it.
     */
    private void acquireLatency(Fault fault) {
        long lease = settings.lease().toMillis();
        long timeout = WardenLock.COMMAND_TIMEOUT.toMillis();
        long low = lease * 56 / 100;
        long high = Math.max(low, Math.min(lease * 68 / 100, timeout * 45 / 100));
        long delay = low + random.nextInt((int) (high - low + 1));
        long millis = 2_500 + random.nextInt(1_000);
        start(fault, "all", delay + "ms each way for " + millis + "ms (lease " + lease + "ms)");
        for (ChaosCluster.Slot slot : cluster.slots()) {
            slot.proxy.latency(Duration.ofMillis(delay));
        }
        ChaosCluster.sleepMillis(millis);
        for (ChaosCluster.Slot slot : cluster.slots()) {
            slot.proxy.heal();
        }
        heal(fault);
    }

    /**
     * Slows one worker's connections so that its commands (acquire, renewal, release) are in flight, then
     * cuts them all, three times: the client reconnects and replays what it never got an answer to.
     */
    private void cutInFlight(Fault fault) {
        ChaosCluster.Slot slot = target(7);
        FaultProxy proxy = slot.proxy;
        int cuts = 3;
        long delay = 30 + random.nextInt(70);
        start(fault, slot.processName(), cuts + " cuts under " + delay + "ms latency");
        for (int i = 0; i < cuts; i++) {
            proxy.latency(Duration.ofMillis(delay));
            ChaosCluster.sleepMillis(100 + random.nextInt(200));
            proxy.cutAll();
            ChaosCluster.sleepMillis(200 + random.nextInt(300));
        }
        proxy.heal();
        heal(fault);
    }

    /**
     * Waits for a long-lease holding to begin (its lease outlives the command timeout), SIGSTOPs the lock
     * Redis while it holds, so its release hangs and times out, waits for that failure and for the holder
     * to re-enter the lock on the same thread, then SIGCONTs Redis: the late release runs while its
     * sender believes it holds the lock again.
     */
    private void pauseRedisDuringRelease(Fault fault) {
        long timeout = WardenLock.COMMAND_TIMEOUT.toMillis();
        HistoryTail tail = new HistoryTail(cluster.historyDir());
        tail.skipToEnd();
        Event holding =
                tail.await(e -> e.type() == Event.Type.OK && e.info().equals("mode=long"), Duration.ofSeconds(6));
        start(
                fault,
                "redis",
                holding == null
                        ? "no long-lease holding seen"
                        : "while " + holding.holdingId() + " (token " + holding.token() + ") holds");
        long pausedAt = System.nanoTime();
        cluster.lockRedis().pause();
        String outcome = "";
        if (holding != null) {
            String thread = holding.process() + "/" + holding.thread();
            Event failed = tail.await(
                    e -> e.type() == Event.Type.RELEASE_FAIL && e.holdingId().equals(holding.holdingId()),
                    Duration.ofMillis(timeout + 1_500));
            Event again = failed == null
                    ? null
                    : tail.await(
                            e -> (e.process() + "/" + e.thread()).equals(thread)
                                    && (e.type() == Event.Type.OK || e.type() == Event.Type.FAIL),
                            Duration.ofMillis(500));
            outcome = failed == null
                    ? "release did not fail"
                    : again == null ? "no second acquire" : "then " + again.type() + " " + again.holdingId();
        }
        long minimum = timeout + 200 - (System.nanoTime() - pausedAt) / 1_000_000;
        ChaosCluster.sleepMillis(Math.max(0, minimum) + 50 + random.nextInt(100));
        cluster.lockRedis().resume();
        history.record(
                -1,
                Event.Type.HEAL,
                0,
                -1,
                -1,
                fault.name() + " after " + (System.nanoTime() - pausedAt) / 1_000_000 + "ms " + outcome);
    }

    private void pauseRedis(Fault fault, long millis) {
        start(fault, "redis", millis + "ms");
        cluster.lockRedis().pause();
        ChaosCluster.sleepMillis(millis);
        cluster.lockRedis().resume();
        heal(fault);
    }

    /**
     * The slot of the current holder {@code inTen} times in ten (the last writer to the resource, once its
     * token is the latest one minted, waiting up to half a second for that), else any slot. Pauses and
     * kills always aim at the holder: on an idle worker they prove little.
     */
    private ChaosCluster.Slot target(int inTen) {
        List<ChaosCluster.Slot> slots = cluster.slots();
        ChaosCluster.Slot any = slots.get(random.nextInt(slots.size()));
        if (random.nextInt(10) >= inTen) {
            return any;
        }
        long deadline = System.nanoTime() + 500_000_000L;
        do {
            String holder = cluster.likelyHolder();
            for (ChaosCluster.Slot slot : slots) {
                if (slot.processName().equals(holder)) {
                    return slot;
                }
            }
            ChaosCluster.sleepMillis(5);
        } while (System.nanoTime() - deadline < 0);
        return any;
    }

    private void start(Fault fault, String target, String detail) {
        history.record(-1, Event.Type.FAULT, 0, -1, -1, fault.name() + " target=" + target + " " + detail);
    }

    private void heal(Fault fault) {
        history.record(-1, Event.Type.HEAL, 0, -1, -1, fault.name());
    }
}
