package io.warden.chaos;

import io.warden.LeaseLostException;
import io.warden.LeaseNotHeldException;
import io.warden.LockTimeoutException;
import io.warden.RedisUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker process of a chaos run. Several threads loop: acquire the lock, write to the fenced
 * resource with the token while {@code isHeld()} says so, hold a random short time, release; every
 * step goes to the process's history file. Each iteration takes one of the lock's paths ({@link
 * LockPath}): plain {@code acquire}/{@code release}; a long lease whose failed release is followed by a
 * re-entrant acquire on the same thread; or {@code callLocked}/{@code runLocked}, whose body records
 * whether it holds the lock while it runs. Stops when {@code <control>/stop} appears: the threads
 * finish, it prints {@code IDLE held=<n>}, waits for {@code <control>/close}, closes the lock, and
 * prints {@code DONE threads=<warden threads still alive>}. Exits by itself if its parent dies.
 * With {@code mode=leader} each thread is instead a {@link LeaderCandidate} of one election, whose
 * terms are recorded as holdings.
 *
 * <p>Arguments, as {@code key=value}: lock (Redis URI, through the worker's fault proxy), resource
 * (Redis URI), history (directory), name (process name), threads, leaseMillis, mode ({@code warden},
 * {@code leader} or {@code naive}), control (directory), seed.
 */
public final class WorkerMain {
    static final String LOCK_NAME = "chaos";
    static final Duration ACQUIRE_WAIT = Duration.ofSeconds(3);
    private static final long MAX_HOLD_MILLIS = 150;
    private static final long WRITE_EVERY_MILLIS = 25;

    private final Map<String, String> args;
    private final History history;
    private final LockUnderTest lock;
    private final FencedResource resource;
    private final String name;
    private volatile boolean stopping;

    private WorkerMain(Map<String, String> args) {
        this.args = args;
        this.name = args.get("name");
        this.history = History.open(Path.of(args.get("history")), name);
        Duration lease = Duration.ofMillis(Long.parseLong(args.get("leaseMillis")));
        this.lock = connect(() -> "naive".equals(args.get("mode"))
                ? new NaiveLock(args.get("lock"), LOCK_NAME, lease)
                : new WardenLock(args.get("lock"), LOCK_NAME, lease));
        this.resource = connect(() -> FencedResource.connect(args.get("resource")));
    }

    /** A replacement worker may start while the lock Redis is paused or cut off: keep trying. */
    private static <T> T connect(java.util.function.Supplier<T> connector) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return connector.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                sleep(200);
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        Map<String, String> args = new HashMap<>();
        for (String arg : argv) {
            int eq = arg.indexOf('=');
            args.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        watchParent();
        new WorkerMain(args).run();
    }

    /** A SIGKILLed test JVM cannot kill its children: they end themselves when orphaned. */
    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread watcher = new Thread(
                () -> {
                    while (parent != null && parent.isAlive()) {
                        sleep(500);
                    }
                    Runtime.getRuntime().halt(2);
                },
                "chaos-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void run() throws InterruptedException {
        Path control = Path.of(args.get("control"));
        int threads = Integer.parseInt(args.get("threads"));
        long seed = Long.parseLong(args.get("seed"));
        history.record(-1, Event.Type.START, 0, -1, -1, args.get("mode"));
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            Random random = new Random(seed * 31 + i);
            Runnable body = leaderMode()
                    ? () -> new LeaderCandidate(((WardenLock) lock).leader(), history, resource, name, thread, random)
                            .run(() -> stopping)
                    : () -> loop(thread, random);
            Thread worker = new Thread(body, "chaos-worker-" + i);
            worker.start();
            workers.add(worker);
        }
        System.out.println("STARTED " + name);
        awaitFile(control.resolve("stop"), Duration.ofDays(1));
        stopping = true;
        for (Thread worker : workers) {
            worker.join(20_000);
            if (worker.isAlive()) {
                System.out.println("STUCK " + worker.getName() + " " + List.of(worker.getStackTrace()));
                history.record(-1, Event.Type.FAIL, 0, -1, -1, "stuck thread " + worker.getName());
                Runtime.getRuntime().halt(3);
            }
        }
        System.out.println("IDLE held=" + lock.heldCount());
        awaitFile(control.resolve("close"), Duration.ofSeconds(60));
        lock.close();
        resource.close();
        long alive = awaitNoWardenThreads(Duration.ofSeconds(5));
        history.record(-1, Event.Type.DONE, 0, -1, -1, "warden threads alive " + alive);
        history.close();
        System.out.println("DONE threads=" + alive);
        System.exit(0);
    }

    private boolean leaderMode() {
        return "leader".equals(args.get("mode"));
    }

    /** How one iteration uses the lock. */
    enum LockPath {
        /** {@code acquire(wait)} with the default watched lease, writes, {@code release()}. */
        PLAIN,
        /**
         * {@code acquire} with a long watched lease; if the release fails (Redis did not answer in time),
         * acquire the same lock again on the same thread (re-entrantly), redo the work, release that, and
         * retry the first release.
         */
        LONG,
        /** {@code callLocked}: the body records whether it holds the lock while it runs. */
        CALL_LOCKED,
        /** {@code runLocked}, the same way. */
        RUN_LOCKED
    }

    private LockPath pick(Random random) {
        if (!lock.exercisesAllPaths()) {
            return LockPath.PLAIN;
        }
        int r = random.nextInt(100);
        return r < 35 ? LockPath.PLAIN : r < 65 ? LockPath.LONG : r < 85 ? LockPath.CALL_LOCKED : LockPath.RUN_LOCKED;
    }

    private void loop(int thread, Random random) {
        long[] counter = {0};
        while (!stopping) {
            LockPath path = pick(random);
            boolean go = switch (path) {
                case PLAIN, LONG -> acquireAndHold(thread, counter, path, random);
                case CALL_LOCKED, RUN_LOCKED -> guarded(thread, ++counter[0], path, random);
            };
            if (!go) {
                return;
            }
            sleep(random.nextInt(20));
        }
    }

    /** One acquisition through {@code acquire}/{@code release}; false if the thread must end. */
    private boolean acquireAndHold(int thread, long[] counter, LockPath path, Random random) {
        long holding = ++counter[0];
        boolean longLease = path == LockPath.LONG;
        LockUnderTest.Holding held =
                acquire(thread, holding, longLease, "mode=" + path.name().toLowerCase());
        if (held == null) {
            return !Thread.currentThread().isInterrupted();
        }
        long holdMillis = longLease ? 150 + random.nextInt(250) : 10 + random.nextInt((int) MAX_HOLD_MILLIS);
        hold(thread, holding, held, holdMillis);
        RuntimeException failure = release(thread, holding, held, "");
        if (!longLease || !(failure instanceof RedisUnavailableException)) {
            return true;
        }
        // The release was not confirmed. The job is retried at once, on the same thread: Warden hands the
        // same owner its lease again (re-entrant) if it still believes it holds it.
        long again = ++counter[0];
        LockUnderTest.Holding second =
                acquire(thread, again, true, "mode=again after failed release of holding " + holding);
        if (second != null) {
            hold(thread, again, second, 300 + random.nextInt(500));
            release(thread, again, second, "");
        }
        release(thread, holding, held, "retry ");
        return true;
    }

    /** Records the invocation and the acquire's outcome; null if it failed. */
    private LockUnderTest.Holding acquire(int thread, long holding, boolean longLease, String info) {
        history.record(thread, Event.Type.INVOKE, holding, -1, -1, info);
        LockUnderTest.Holding held;
        try {
            held = lock.acquire(ACQUIRE_WAIT, longLease);
        } catch (LockTimeoutException e) {
            history.record(thread, Event.Type.FAIL, holding, -1, -1, "timeout");
            return null;
        } catch (InterruptedException e) {
            history.record(thread, Event.Type.FAIL, holding, -1, -1, "interrupted");
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            history.record(thread, Event.Type.FAIL, holding, -1, -1, describe(e));
            sleep(50); // Redis unreachable: do not spin.
            return null;
        }
        long token = held.token();
        history.record(thread, Event.Type.OK, holding, token, -1, info);
        held.onLost(cause -> history.record(thread, Event.Type.LOST, holding, token, -1, cause));
        return held;
    }

    /** Releases, recording the outcome; returns the failure, or null. */
    private RuntimeException release(int thread, long holding, LockUnderTest.Holding held, String prefix) {
        long token = held.token();
        try {
            held.release();
            history.record(thread, Event.Type.RELEASE_OK, holding, token, -1, prefix);
            return null;
        } catch (RuntimeException e) {
            String reason = e instanceof LeaseNotHeldException notHeld ? " reason=" + notHeld.reason() : "";
            history.record(thread, Event.Type.RELEASE_FAIL, holding, token, -1, prefix + describe(e) + reason);
            return e;
        }
    }

    /** Writes while held, until the hold time is up or the lease is seen lost. */
    private void hold(int thread, long holding, LockUnderTest.Holding held, long holdMillis) {
        long token = held.token();
        long holdUntil = System.nanoTime() + Duration.ofMillis(holdMillis).toNanos();
        long seq = 0;
        while (true) {
            // Read the clock before asking: a pause between the two makes isHeld() answer false.
            long checkedAt = System.nanoTime();
            if (!held.isHeld()) {
                history.record(checkedAt, thread, Event.Type.NOT_HELD, holding, token, seq, "");
                break;
            }
            if (checkedAt - holdUntil >= 0) {
                // remaining() reads the clock after checkedAt: checkedAt + remaining is within the lease.
                history.record(
                        checkedAt,
                        thread,
                        Event.Type.RELEASE,
                        holding,
                        token,
                        seq,
                        "remaining=" + held.remainingMillis());
                break;
            }
            seq++;
            history.record(checkedAt, thread, Event.Type.WRITE, holding, token, seq, "");
            try {
                boolean accepted = resource.write(token, name, thread, holding, seq);
                history.record(
                        thread,
                        accepted ? Event.Type.WRITE_ACCEPTED : Event.Type.WRITE_REFUSED,
                        holding,
                        token,
                        seq,
                        "");
            } catch (RuntimeException e) {
                history.record(thread, Event.Type.WRITE_ERROR, holding, token, seq, describe(e));
            }
            sleep(Math.max(0, Math.min(WRITE_EVERY_MILLIS, (holdUntil - System.nanoTime()) / 1_000_000)));
        }
    }

    /**
     * One {@code callLocked}/{@code runLocked}: the body records whether it holds the lock on entry and
     * every 25 ms while it runs (it has no token, so it does not write to the resource).
     */
    private boolean guarded(int thread, long holding, LockPath path, Random random) {
        String call = path == LockPath.CALL_LOCKED ? "callLocked" : "runLocked";
        long holdMillis = 10 + random.nextInt((int) MAX_HOLD_MILLIS);
        boolean[] started = {false};
        history.record(thread, Event.Type.INVOKE, holding, -1, -1, "mode=" + call);
        try {
            lock.runLocked(ACQUIRE_WAIT, path == LockPath.RUN_LOCKED, () -> {
                long at = System.nanoTime();
                boolean held = lock.isHeldByCurrentThread();
                started[0] = true;
                history.record(at, thread, Event.Type.TASK_START, holding, -1, -1, "held=" + held + " " + call);
                long until = at + Duration.ofMillis(holdMillis).toNanos();
                long seq = 0;
                String how = "returned";
                while (true) {
                    long checkedAt = System.nanoTime();
                    if (!lock.isHeldByCurrentThread()) {
                        history.record(checkedAt, thread, Event.Type.TASK_NOT_HELD, holding, -1, seq, "");
                        break;
                    }
                    if (checkedAt - until >= 0) {
                        break;
                    }
                    seq++;
                    history.record(checkedAt, thread, Event.Type.TASK_HELD, holding, -1, seq, "");
                    try {
                        Thread.sleep(
                                Math.max(0, Math.min(WRITE_EVERY_MILLIS, (until - System.nanoTime()) / 1_000_000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // Warden's, on a loss: it clears it
                        how = "interrupted";
                        break;
                    }
                }
                history.record(thread, Event.Type.TASK_END, holding, -1, seq, how);
            });
            history.record(thread, Event.Type.RELEASE_OK, holding, -1, -1, call + " returned");
        } catch (LockTimeoutException e) {
            history.record(thread, Event.Type.FAIL, holding, -1, -1, "timeout");
        } catch (LeaseLostException e) {
            history.record(
                    thread, Event.Type.LOST, holding, -1, -1, e.event().cause().name());
        } catch (InterruptedException e) {
            history.record(thread, Event.Type.FAIL, holding, -1, -1, "interrupted");
            return false;
        } catch (RuntimeException e) {
            history.record(
                    thread, started[0] ? Event.Type.RELEASE_FAIL : Event.Type.FAIL, holding, -1, -1, describe(e));
            if (!started[0]) {
                sleep(50); // Redis unreachable: do not spin.
            }
        }
        return true;
    }

    private static long awaitNoWardenThreads(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long alive = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("warden-"))
                    .count();
            if (alive == 0 || System.nanoTime() - deadline > 0) {
                return alive;
            }
            sleep(50);
        }
    }

    private static void awaitFile(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file) && System.nanoTime() - deadline < 0) {
            sleep(50 + ThreadLocalRandom.current().nextInt(50));
        }
    }

    private static String describe(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        return e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(160, message.length()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
