package io.warden.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a recorded history (every process's events, merged on the shared monotonic clock) and the
 * resource's list of accepted writes:
 *
 * <ul>
 *   <li>fenced safety: accepted writes form a single-holder sequence (tokens never go back, two
 *       holders never interleave), except after a fault that loses Redis data, where anomalies are
 *       reported as notes;
 *   <li>exclusion: confirmed holdings never overlap under faults that keep the model; under the
 *       others every overlap is explained (a holder was told of the loss, or paused, or killed);
 *   <li>no {@code callLocked}/{@code runLocked} task body runs while its own lease is not held
 *       ({@code isHeldByCurrentThread()} false on entry), unless its process was paused;
 *   <li>no release is refused as "expired" when it completed within the validity its holder saw just
 *       before sending it (the key cannot have expired: the holder's own command deleted it);
 *   <li>no holder writes after it was told it lost its lease;
 *   <li>leader terms (holdings recorded with {@code mode=leader}), in the order they began, carry
 *       strictly increasing tokens, so at most one leader holds each term and no term comes back
 *       (at most one leader per instant is the exclusion rule above, applied to terms);
 *   <li>liveness: after each heal some worker acquires within the bound; every acquire call returns
 *       within its bound; every worker that was not killed stopped cleanly.
 * </ul>
 */
public final class Checker {

    /**
     * Bounds of a check.
     *
     * @param settle how long after a heal events still count against the fault
     * @param livenessBound from a heal to the next confirmed acquisition
     * @param acquireBound the longest an acquire call may take when its process is not paused
     */
    public record Settings(Duration settle, Duration livenessBound, Duration acquireBound) {
        /**
         * Bounds for a lease: settle lease + 1 s, liveness the longest lease the workers take (the long
         * lease, 3 × lease, which a killed holder keeps until it expires) + 4 s, acquire wait + 6 s.
         */
        public static Settings forLease(Duration lease) {
            Duration longest = lease.multipliedBy(WardenLock.LONG_LEASE_FACTOR);
            return new Settings(lease.plusSeconds(1), longest.plusSeconds(4), WorkerMain.ACQUIRE_WAIT.plusSeconds(6));
        }
    }

    /** The OK info of a holding that is a leader term (see {@link LeaderCandidate}). */
    static final String LEADER_TERM = "mode=leader";

    private final List<Event> events;
    private final List<FencedResource.AcceptedWrite> accepted;
    private final Settings settings;
    private final Report report = new Report();
    private final List<FaultWindow> windows = new ArrayList<>();
    private final Map<String, Holding> holdings = new LinkedHashMap<>();
    private final Map<String, Long> killedAt = new HashMap<>();
    private final Set<String> done = new HashSet<>();
    private final Set<String> started = new HashSet<>();
    /** The run's first event: times in messages are shown relative to it. */
    private final long base;

    private Checker(List<Event> events, List<FencedResource.AcceptedWrite> accepted, Settings settings) {
        this.events =
                events.stream().sorted(Comparator.comparingLong(Event::time)).toList();
        this.accepted = accepted;
        this.settings = settings;
        this.base = this.events.isEmpty() ? 0 : this.events.get(0).time();
    }

    /** A time as seconds since the run's first event, e.g. {@code +12.345s}. */
    private String at(long time) {
        long millis = (time - base) / 1_000_000;
        return String.format(java.util.Locale.ROOT, "+%d.%03ds", millis / 1000, Math.abs(millis % 1000));
    }

    private String describe(Holding h) {
        return h.describe(this::at);
    }

    /** Checks {@code events} (any order) against the resource's {@code accepted} writes (in order). */
    public static Report check(List<Event> events, List<FencedResource.AcceptedWrite> accepted, Settings settings) {
        Checker checker = new Checker(events, accepted, settings);
        checker.readFaults();
        checker.readHoldings();
        checker.checkOverlaps();
        checker.checkTasksRanHeld();
        checker.checkReleasesNotSpuriouslyExpired();
        checker.checkWritesAfterLoss();
        checker.checkFencedSequence();
        checker.checkTermsIncrease();
        checker.checkRecovery();
        checker.checkAcquireCalls();
        checker.checkCleanStops();
        checker.countPerFault();
        return checker.report;
    }

    private void readFaults() {
        Event open = null;
        for (Event e : events) {
            if (e.type() == Event.Type.FAULT) {
                open = e;
            } else if (e.type() == Event.Type.HEAL && open != null) {
                String[] words = open.info().split(" ");
                Fault fault = Fault.valueOf(words[0]);
                String target = words.length > 1 && words[1].startsWith("target=") ? words[1].substring(7) : "";
                windows.add(new FaultWindow(
                        fault,
                        target,
                        open.time(),
                        e.time(),
                        e.time() + settings.settle().toNanos()));
                report.row(fault.name()).faults++;
                if (fault == Fault.KILL_WORKER) {
                    killedAt.put(target, open.time());
                }
                open = null;
            }
        }
    }

    private void readHoldings() {
        Map<String, Long> lastOfProcess = new HashMap<>();
        Map<String, Long> invokedAt = new HashMap<>();
        for (Event e : events) {
            lastOfProcess.put(e.process(), e.time());
            boolean begins = e.type() == Event.Type.OK || e.type() == Event.Type.TASK_START;
            switch (e.type()) {
                case START -> started.add(e.process());
                case DONE -> done.add(e.process());
                case INVOKE -> invokedAt.put(e.holdingId(), e.time());
                case OK, TASK_START -> {
                    Holding h = new Holding(e);
                    h.invokedAt = invokedAt.getOrDefault(e.holdingId(), -1L);
                    holdings.put(e.holdingId(), h);
                }
                default -> {}
            }
            Holding h = begins ? null : holdings.get(e.holdingId());
            if (h == null) {
                continue;
            }
            h.last = Math.max(h.last, e.time());
            switch (e.type()) {
                case WRITE -> {
                    h.writes.add(e);
                    h.end = Math.max(h.end, e.time());
                    h.confirmed = true;
                }
                case RELEASE -> {
                    h.end = Math.max(h.end, e.time());
                    h.confirmed = true;
                    h.ended = true;
                }
                case NOT_HELD, TASK_NOT_HELD -> {
                    h.notHeldAt = e.time();
                    h.ended = true;
                }
                case TASK_HELD -> {
                    h.end = Math.max(h.end, e.time());
                    h.confirmed = true;
                }
                case TASK_END -> {
                    if (h.unheldTask) {
                        h.end = Math.max(h.end, e.time()); // it ran, held or not, up to here
                    }
                    h.ended = true;
                }
                case LOST -> {
                    h.lostAt = e.time();
                    h.lostCause = e.info();
                }
                case RELEASE_FAIL -> {
                    if (e.info().contains("LeaseNotHeldException")) {
                        h.releaseRefusedAt = e.time();
                    }
                }
                default -> {}
            }
        }
        for (Holding h : holdings.values()) {
            Long killed = killedAt.get(h.process);
            if (!h.ended) {
                if (killed != null && killed >= h.start) {
                    // Killed while holding: count the holding as held up to the kill.
                    h.end = Math.max(h.end, killed);
                    h.confirmed = true;
                    h.pausedOrKilled = true;
                } else {
                    h.end = Math.max(h.end, lastOfProcess.get(h.process));
                    report.note(
                            "holding " + describe(h) + " has no end in the history (its process stopped recording)");
                }
            }
            long upTo = Math.max(h.end, h.last);
            for (FaultWindow w : windows) {
                if (w.fault() == Fault.PAUSE_WORKER
                        && w.targetsWorker(h.process)
                        && w.start() <= upTo
                        && w.heal() >= h.start) {
                    h.pausedOrKilled = true;
                }
            }
        }
        for (FaultWindow w : windows) {
            boolean hit = holdings.values().stream()
                    .anyMatch(h ->
                            w.targetsWorker(h.process) && h.start <= w.start() && Math.max(h.end, h.last) >= w.start());
            if (hit) {
                report.row(w.fault().name()).hitHolder++;
            }
        }
    }

    private void checkOverlaps() {
        List<Holding> confirmed = holdings.values().stream()
                .filter(h -> h.confirmed)
                .sorted(Comparator.comparingLong(h -> h.start))
                .toList();
        List<Holding> active = new ArrayList<>();
        long overlaps = 0;
        for (Holding b : confirmed) {
            active.removeIf(a -> a.end <= b.start);
            for (Holding a : active) {
                overlaps++;
                judgeOverlap(a, b);
            }
            active.add(b);
        }
        report.total("overlaps", overlaps);
        report.total("holdings", holdings.size());
        report.total("holdings confirmed", confirmed.size());
    }

    private void judgeOverlap(Holding a, Holding b) {
        FaultWindow window = windowAt(b.start);
        report.row(window == null ? Report.QUIET : window.fault().name()).overlaps++;
        String what = describe(a) + " and " + describe(b) + " overlap by " + millis(Math.min(a.end, b.end) - b.start)
                + " ms from " + at(b.start);
        boolean modelBroken =
                windows.stream().anyMatch(w -> w.covers(b.start) && !w.fault().keepsModel());
        if (!modelBroken) {
            report.violation(
                    Report.EXCLUSION,
                    what + " under "
                            + (window == null
                                    ? "no fault"
                                    : window.fault() + " (keeps the model) " + describe(window)));
        } else if (!a.explained() && !b.explained()) {
            report.violation(Report.EXCLUSION, what + ": neither holder was told of a loss, paused or killed");
        }
    }

    private String describe(FaultWindow w) {
        return "[" + w.fault() + " on " + w.target() + " " + at(w.start()) + ".." + at(w.heal()) + "]";
    }

    /** A task body must not start while its own lease is not held (a correct callLocked never runs it). */
    private void checkTasksRanHeld() {
        long unheld = 0;
        for (Holding h : holdings.values()) {
            if (!h.unheldTask) {
                continue;
            }
            unheld++;
            long from = h.invokedAt >= 0 ? h.invokedAt : h.start;
            if (pausedBetween(h.process, from, h.start)) {
                report.note("task body " + describe(h) + " started unheld after its process was paused");
                continue;
            }
            FaultWindow window = windowAt(h.start);
            report.violation(
                    Report.GUARDED_TASK,
                    describe(h)
                            + (h.invokedAt >= 0 ? ", its acquire took " + millis(h.start - h.invokedAt) + " ms" : "")
                            + ", isHeldByCurrentThread() was false when the body began"
                            + (window == null ? "" : ", under " + describe(window)));
        }
        report.total("task bodies started without a held lease", unheld);
    }

    /**
     * A release sent at {@code t} by a holder that saw {@code isHeld()} true with {@code r} ms remaining
     * finds the key in Redis if Redis runs it before {@code t + r}: the key outlives the holder's estimate,
     * and nobody else may delete it. A release answered "expired" before then means the holder's own
     * command removed the key first (e.g. a replay of its release after a reconnect). Redis losing its
     * data is the exception.
     */
    private void checkReleasesNotSpuriouslyExpired() {
        long dataLossFrom = dataLossFrom();
        Map<String, Event> lastRelease = new HashMap<>();
        for (Event e : events) {
            if (e.type() == Event.Type.RELEASE) {
                lastRelease.put(e.holdingId(), e);
            } else if (e.type() == Event.Type.RELEASE_FAIL
                    && e.info().startsWith("LeaseNotHeldException")
                    && e.info().endsWith("reason=EXPIRED")) {
                Event release = lastRelease.get(e.holdingId());
                long remaining = release == null ? -1 : remainingMillis(release);
                if (remaining <= 0 || e.time() > release.time() + remaining * 1_000_000 || e.time() >= dataLossFrom) {
                    continue;
                }
                Holding h = holdings.get(e.holdingId());
                FaultWindow window = windowAt(e.time());
                report.violation(
                        Report.RELEASE,
                        "release reported the lease expired although it was answered at "
                                + at(e.time()) + ", " + millis(e.time() - release.time()) + " ms after it was sent at "
                                + at(release.time()) + " with " + remaining + " ms of the lease left: "
                                + (h == null ? e.holdingId() : describe(h))
                                + (window == null ? "" : ", under " + describe(window)));
            }
        }
    }

    private static long remainingMillis(Event release) {
        String info = release.info();
        if (!info.startsWith("remaining=")) {
            return -1;
        }
        try {
            return Long.parseLong(info.substring("remaining=".length()).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long dataLossFrom() {
        return windows.stream()
                .filter(w -> w.fault().losesData())
                .mapToLong(FaultWindow::start)
                .min()
                .orElse(Long.MAX_VALUE);
    }

    private void checkWritesAfterLoss() {
        for (Holding h : holdings.values()) {
            for (Event write : h.writes) {
                if (h.lost() && write.time() > h.lostAt) {
                    report.violation(
                            Report.WRITE_AFTER_LOSS,
                            "holding " + describe(h) + " wrote (seq " + write.seq() + ") at " + write.time() + ", "
                                    + millis(write.time() - h.lostAt) + " ms after it was told it lost the lease");
                } else if (h.notHeldAt >= 0 && write.time() > h.notHeldAt) {
                    report.violation(
                            Report.WRITE_AFTER_LOSS,
                            "holding " + describe(h) + " wrote (seq " + write.seq() + ") after it saw isHeld() false");
                }
            }
        }
    }

    private void checkFencedSequence() {
        Map<String, Long> writeTimes = new HashMap<>();
        for (Event e : events) {
            if (e.type() == Event.Type.WRITE) {
                writeTimes.put(e.holdingId() + "#" + e.seq(), e.time());
            }
        }
        long dataLossFrom = dataLossFrom();
        long previousToken = Long.MIN_VALUE;
        String previousHolder = null;
        String previousHolding = null;
        Set<String> seen = new HashSet<>();
        long anomaliesAfterLoss = 0;
        for (int i = 0; i < accepted.size(); i++) {
            FencedResource.AcceptedWrite w = accepted.get(i);
            Long time = writeTimes.get(w.holdingId() + "#" + w.seq());
            if (time == null) {
                report.violation(
                        Report.FENCING, "accepted write #" + i + " (" + w.toLine() + ") has no recorded attempt");
            }
            // Re-entrant holdings of one thread share their outer token: one holder for the resource.
            String holder = w.process() + "/" + w.thread() + "#" + w.token();
            String anomaly = null;
            if (w.token() < previousToken) {
                anomaly = "token went back from " + previousToken + " to " + w.token();
            } else if (!holder.equals(previousHolder)) {
                if (seen.contains(holder)) {
                    anomaly = "holder " + w.holdingId() + " wrote again after " + previousHolding + " had written";
                } else if (w.token() == previousToken) {
                    anomaly = "token " + w.token() + " written by two holders, " + previousHolding + " and "
                            + w.holdingId();
                }
            }
            if (anomaly != null) {
                String text = "accepted write #" + i + " (" + w.toLine() + "): " + anomaly;
                if (time != null && time >= dataLossFrom) {
                    anomaliesAfterLoss++;
                    report.note("after Redis lost its data, " + text);
                } else {
                    report.violation(Report.FENCING, text + (time == null ? "" : " at " + at(time)));
                }
            }
            seen.add(holder);
            previousToken = Math.max(previousToken, w.token());
            previousHolder = holder;
            previousHolding = w.holdingId();
        }
        report.total("writes accepted", accepted.size());
        report.total("fenced-sequence anomalies after data loss", anomaliesAfterLoss);
    }

    private void checkTermsIncrease() {
        List<Holding> terms = holdings.values().stream()
                .filter(h -> h.how.equals(LEADER_TERM))
                .sorted(Comparator.comparingLong(h -> h.start))
                .toList();
        long dataLossFrom = dataLossFrom();
        Holding highest = null;
        long outOfOrderAfterLoss = 0;
        for (Holding term : terms) {
            if (highest != null && term.token <= highest.token) {
                String text = "term " + describe(term) + " began after term " + describe(highest)
                        + " with a token not greater than its";
                if (term.start >= dataLossFrom) {
                    outOfOrderAfterLoss++;
                    report.note("after Redis lost its data, " + text);
                } else {
                    FaultWindow window = windowAt(term.start);
                    report.violation(Report.TERMS, text + (window == null ? "" : ", under " + describe(window)));
                }
            }
            if (highest == null || term.token > highest.token) {
                highest = term;
            }
        }
        if (!terms.isEmpty()) {
            report.total("leader terms", terms.size());
            report.total("leader terms out of order after data loss", outOfOrderAfterLoss);
        }
    }

    private void checkRecovery() {
        long bound = settings.livenessBound().toNanos();
        for (FaultWindow w : windows) {
            long firstOk = events.stream()
                    .filter(e -> (e.type() == Event.Type.OK
                                    || (e.type() == Event.Type.TASK_START
                                            && e.info().startsWith("held=true")))
                            && e.time() > w.heal())
                    .mapToLong(Event::time)
                    .findFirst()
                    .orElse(-1);
            Report.Row row = report.row(w.fault().name());
            if (firstOk < 0) {
                report.violation(
                        Report.LIVENESS, "no worker acquired after " + w.fault() + " healed at " + at(w.heal()));
                continue;
            }
            long recovery = firstOk - w.heal();
            row.worstRecoveryMillis = Math.max(row.worstRecoveryMillis, millis(recovery));
            if (recovery > bound) {
                report.violation(
                        Report.LIVENESS,
                        "after " + w.fault() + " healed at " + at(w.heal()) + ", the first acquisition took "
                                + millis(recovery) + " ms (bound "
                                + settings.livenessBound().toMillis() + " ms)");
            }
        }
    }

    private void checkAcquireCalls() {
        Map<String, Event> pending = new HashMap<>();
        long bound = settings.acquireBound().toNanos();
        long longest = 0;
        for (Event e : events) {
            String thread = e.process() + "/" + e.thread();
            if (e.type() == Event.Type.INVOKE) {
                pending.put(thread, e);
            } else if (e.type() == Event.Type.OK || e.type() == Event.Type.FAIL || e.type() == Event.Type.TASK_START) {
                Event invoke = pending.remove(thread);
                if (invoke == null) {
                    continue;
                }
                long took = e.time() - invoke.time();
                if (!pausedBetween(e.process(), invoke.time(), e.time())) {
                    longest = Math.max(longest, took);
                    if (took > bound) {
                        report.violation(
                                Report.LIVENESS,
                                "acquire by " + thread + " took " + millis(took) + " ms (bound "
                                        + settings.acquireBound().toMillis() + " ms)");
                    }
                }
            }
        }
        for (Event invoke : pending.values()) {
            if (!killedAt.containsKey(invoke.process())) {
                report.violation(
                        Report.LIVENESS,
                        "acquire by " + invoke.process() + "/" + invoke.thread() + " invoked at " + at(invoke.time())
                                + " never returned");
            }
        }
        report.total("longest acquire call ms", millis(longest));
    }

    private boolean pausedBetween(String process, long from, long to) {
        return windows.stream()
                .anyMatch(w -> w.fault() == Fault.PAUSE_WORKER
                        && w.targetsWorker(process)
                        && w.start() <= to
                        && w.heal() >= from);
    }

    private void checkCleanStops() {
        for (String process : started) {
            if (!done.contains(process) && !killedAt.containsKey(process)) {
                report.violation(Report.LIVENESS, "worker " + process + " was not killed but did not stop cleanly");
            }
        }
    }

    private void countPerFault() {
        long operations = 0;
        long acquisitions = 0;
        long refused = 0;
        long losses = 0;
        Map<String, Long> causes = new LinkedHashMap<>();
        for (Event e : events) {
            FaultWindow window = windowAt(e.time());
            Report.Row row =
                    report.row(window == null ? Report.QUIET : window.fault().name());
            switch (e.type()) {
                case INVOKE -> {
                    operations++;
                    row.operations++;
                }
                case OK -> acquisitions++;
                case WRITE_REFUSED -> {
                    refused++;
                    row.staleWritesRefused++;
                }
                case LOST -> {
                    losses++;
                    row.lossesReported++;
                    causes.merge(e.info(), 1L, Long::sum);
                }
                default -> {}
            }
        }
        report.total("operations", operations);
        report.total("acquisitions", acquisitions);
        report.total("stale writes refused", refused);
        report.total("losses reported", losses);
        causes.forEach((cause, n) -> report.total("lost " + cause, n));
    }

    /** The latest-started fault window covering {@code time}, or null. */
    private FaultWindow windowAt(long time) {
        FaultWindow found = null;
        for (FaultWindow w : windows) {
            if (w.covers(time)) {
                found = w;
            }
        }
        return found;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
