package io.warden.chaos;

import io.warden.LockTimeoutException;
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
 * step goes to the process's history file. Stops when {@code <control>/stop} appears: the threads
 * finish, it prints {@code IDLE held=<n>}, waits for {@code <control>/close}, closes the lock, and
 * prints {@code DONE threads=<warden threads still alive>}. Exits by itself if its parent dies.
 *
 * <p>Arguments, as {@code key=value}: lock (Redis URI, through the worker's fault proxy), resource
 * (Redis URI), history (directory), name (process name), threads, leaseMillis, mode ({@code warden}
 * or {@code naive}), control (directory), seed.
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
            Thread worker = new Thread(() -> loop(thread, random), "chaos-worker-" + i);
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

    private void loop(int thread, Random random) {
        long holding = 0;
        while (!stopping) {
            holding++;
            history.record(thread, Event.Type.INVOKE, holding, -1, -1, "");
            LockUnderTest.Holding held;
            try {
                held = lock.acquire(ACQUIRE_WAIT);
            } catch (LockTimeoutException e) {
                history.record(thread, Event.Type.FAIL, holding, -1, -1, "timeout");
                continue;
            } catch (InterruptedException e) {
                history.record(thread, Event.Type.FAIL, holding, -1, -1, "interrupted");
                return;
            } catch (RuntimeException e) {
                history.record(thread, Event.Type.FAIL, holding, -1, -1, describe(e));
                sleep(50); // Redis unreachable: do not spin.
                continue;
            }
            long token = held.token();
            history.record(thread, Event.Type.OK, holding, token, -1, "");
            long id = holding;
            held.onLost(cause -> history.record(thread, Event.Type.LOST, id, token, -1, cause));
            hold(thread, holding, held, random);
            sleep(random.nextInt(20));
        }
    }

    /** Writes while held, until the hold time is up or the lease is seen lost; then releases. */
    private void hold(int thread, long holding, LockUnderTest.Holding held, Random random) {
        long token = held.token();
        long holdUntil = System.nanoTime()
                + Duration.ofMillis(10 + random.nextInt((int) MAX_HOLD_MILLIS)).toNanos();
        long seq = 0;
        while (true) {
            // Read the clock before asking: a pause between the two makes isHeld() answer false.
            long checkedAt = System.nanoTime();
            if (!held.isHeld()) {
                history.record(checkedAt, thread, Event.Type.NOT_HELD, holding, token, seq, "");
                break;
            }
            if (checkedAt - holdUntil >= 0) {
                history.record(checkedAt, thread, Event.Type.RELEASE, holding, token, seq, "");
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
        try {
            held.release();
            history.record(thread, Event.Type.RELEASE_OK, holding, token, seq, "");
        } catch (RuntimeException e) {
            history.record(thread, Event.Type.RELEASE_FAIL, holding, token, seq, describe(e));
        }
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
