package io.warden.cli.demo;

import io.lettuce.core.api.sync.RedisCommands;
import io.warden.DistributedLock;
import io.warden.Lease;
import io.warden.LockInfo;
import io.warden.Warden;
import io.warden.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's four stories, each ending in checks: contention without overlap, a long job kept alive by
 * the watchdog, a killed holder whose lock frees itself, and a paused holder stopped by fencing.
 */
final class Scenarios {
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final String uri;
    private final String prefix;
    private final Timeline timeline;
    private final Checks checks;
    private final List<ChildJvm> children = new ArrayList<>();

    Scenarios(String uri, String prefix, Timeline timeline, Checks checks) {
        this.uri = uri;
        this.prefix = prefix;
        this.timeline = timeline;
        this.checks = checks;
    }

    private Warden client(Duration lease) {
        return Warden.builder()
                .uri(uri)
                .keyPrefix(prefix)
                .defaultLeaseTime(lease)
                .build();
    }

    /** 1. Worker threads, each with its own Warden (as separate processes would), share one lock. */
    void contention(int workers, int rounds) throws InterruptedException {
        timeline.section("1. " + workers + " workers, each with its own connection, contend for lock 'report'");
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlap = new AtomicBoolean();
        List<Long> tokens = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            int id = w;
            Thread thread = new Thread(
                    () -> {
                        try (Warden warden = client(Duration.ofSeconds(5))) {
                            DistributedLock lock = warden.lock("report");
                            for (int r = 0; r < rounds; r++) {
                                try (Lease lease = lock.acquire(Duration.ofSeconds(20))) {
                                    if (inside.incrementAndGet() != 1) {
                                        overlap.set(true);
                                    }
                                    synchronized (tokens) {
                                        tokens.add(lease.fencingToken());
                                    }
                                    timeline.log(
                                            "worker-%d holds the lock, fencing token %d", id, lease.fencingToken());
                                    Thread.sleep(60);
                                    inside.decrementAndGet();
                                }
                            }
                        } catch (Exception | Error e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    },
                    "demo-worker-" + w);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
        boolean increasing = true;
        for (int i = 1; i < tokens.size(); i++) {
            increasing &= tokens.get(i) > tokens.get(i - 1);
        }
        checks.check(
                "workers never overlapped in the critical section",
                !overlap.get() && failures.isEmpty() && tokens.size() == workers * rounds,
                tokens.size() + " of " + workers * rounds + " sections ran, overlap=" + overlap.get()
                        + (failures.isEmpty() ? "" : ", error: " + failures.get(0)));
        checks.check(
                "fencing tokens grew with every new holder",
                increasing && !tokens.isEmpty(),
                "tokens in order of entry: " + tokens);
    }

    /**
     * 2. A 5 s job under a 2 s lease: the watchdog renews it; another client is refused throughout. (A
     * 2 s lease rather than 1 s: renewal must not miss its deadline on a busy machine.)
     */
    void watchdog() throws InterruptedException {
        timeline.section("2. a 5 s job under a 2 s lease, kept alive by the watchdog");
        try (Warden a = client(Duration.ofSeconds(2));
                Warden b = client(Duration.ofSeconds(2))) {
            Lease lease = a.lock("long-job").acquire(Duration.ofSeconds(5));
            timeline.log("client A took 'long-job' (2 s lease, watchdog on) and starts a 5 s job");
            int attempts = 0;
            int refused = 0;
            long maxTtl = 0;
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < end) {
                attempts++;
                Optional<Lease> stolen = b.lock("long-job").tryAcquire();
                stolen.ifPresent(Lease::release);
                refused += stolen.isEmpty() ? 1 : 0;
                LockInfo info = b.admin().inspect("long-job");
                long ttl = info.ttl().orElse(Duration.ZERO).toMillis();
                maxTtl = Math.max(maxTtl, ttl);
                timeline.log(
                        "client B tryAcquire: %s; TTL left on A's lease %d ms",
                        stolen.isEmpty() ? "refused" : "GOT IT", ttl);
                Thread.sleep(500);
            }
            boolean heldThroughout = lease.isHeld();
            lease.release();
            timeline.log("client A's job is done; it released the lock");
            Optional<Lease> after = b.lock("long-job").tryAcquire();
            after.ifPresent(Lease::release);
            checks.check(
                    "the watchdog kept a 2 s lease for a 5 s job; others were refused throughout",
                    heldThroughout && refused == attempts && maxTtl <= 2_000 && after.isPresent(),
                    "B refused " + refused + "/" + attempts + " times, TTL never above " + maxTtl
                            + " ms, B got it right after the release: " + after.isPresent());
        }
    }

    /** 3. A worker process holding the lock is SIGKILLed: its lease runs out and the lock is free again. */
    void crash() {
        timeline.section("3. a worker process dies (SIGKILL) while it holds the lock");
        ChildJvm worker = child("hold", "crash-job", "1000");
        long workerToken = token(worker.awaitLine(l -> l.startsWith("ACQUIRED"), STARTUP));
        timeline.log("worker pid %d holds 'crash-job' (1 s lease, watchdog on, token %d)", worker.pid(), workerToken);
        try (Warden c = client(Duration.ofSeconds(5))) {
            boolean refusedBefore =
                    c.lock("crash-job").tryAcquire().map(Scenarios::released).isEmpty();
            worker.kill();
            long killed = System.nanoTime();
            timeline.log("killed worker pid %d with SIGKILL: it cannot release; client C waits", worker.pid());
            try (Lease lease = c.lock("crash-job").acquire(Duration.ofSeconds(10))) {
                double waited = (System.nanoTime() - killed) / 1e9;
                timeline.log(
                        "client C got the lock %.2f s after the kill, fencing token %d", waited, lease.fencingToken());
                checks.check(
                        "a killed holder's lock was free again within its lease (+1 s)",
                        refusedBefore && waited <= 2.0 && lease.fencingToken() > workerToken,
                        String.format(java.util.Locale.ROOT, "freed after %.2f s, lease 1 s", waited));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                checks.check("a killed holder's lock was free again within its lease (+1 s)", false, "interrupted");
            } catch (RuntimeException e) {
                checks.check("a killed holder's lock was free again within its lease (+1 s)", false, e.getMessage());
            }
        }
    }

    /** 4. A paused holder loses its lease; its late write carries an old token and the resource refuses it. */
    void pause(RedisCommands<String, String> redis, Path workDir) throws IOException, InterruptedException {
        timeline.section("4. a worker process is frozen (SIGSTOP) past its lease, then resumes and writes");
        Path trigger = workDir.resolve("write-now");
        ChildJvm worker = child("fenced", "fenced-job", "1000", trigger.toString());
        long oldToken = token(worker.awaitLine(l -> l.startsWith("ACQUIRED"), STARTUP));
        worker.awaitLine(l -> l.startsWith("CHECKED held=true"), STARTUP);
        worker.pause();
        timeline.log("worker pid %d took the lock (token %d), checked it still held it,", worker.pid(), oldToken);
        timeline.log("and was frozen with SIGSTOP just before writing (a GC pause, a VM migration...)");
        FencedResource resource = new FencedResource(redis, prefix);
        try (Warden c = client(Duration.ofSeconds(5));
                Lease lease = c.lock("fenced-job").acquire(Duration.ofSeconds(10))) {
            timeline.log("its lease ran out; client C took the lock with token %d", lease.fencingToken());
            FencedResource.Write byC = resource.write(lease.fencingToken(), "written by client C");
            timeline.log(
                    "client C writes with token %d: %s", lease.fencingToken(), byC.accepted() ? "accepted" : "refused");
            worker.resume();
            Files.createFile(trigger);
            timeline.log("worker pid %d resumed (SIGCONT) and writes with its old token %d", worker.pid(), oldToken);
            String late = worker.awaitLine(l -> l.startsWith("WRITE"), STARTUP);
            timeline.log("worker pid %d: %s", worker.pid(), late);
            boolean cStillHolds = lease.isHeld()
                    && c.admin()
                            .inspect("fenced-job")
                            .holder()
                            .map(h -> h.fencingToken() == lease.fencingToken())
                            .orElse(false);
            checks.check(
                    "the paused worker's late write was refused by the fenced resource",
                    lease.fencingToken() > oldToken
                            && byC.accepted()
                            && late.startsWith("WRITE refused")
                            && "written by client C".equals(resource.read()),
                    "old token " + oldToken + " < new token " + lease.fencingToken() + "; resource kept C's data");
            checks.check(
                    "the paused worker did not disturb the new holder's lock",
                    cStillHolds,
                    "client C still holds 'fenced-job' with token " + lease.fencingToken());
        } finally {
            worker.close();
        }
    }

    /** Kills every worker process still running. */
    void close() {
        children.forEach(ChildJvm::close);
    }

    private ChildJvm child(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = uri;
        all[2] = prefix;
        System.arraycopy(args, 1, all, 3, args.length - 1);
        ChildJvm jvm = ChildJvm.start(DemoWorker.class, all);
        children.add(jvm);
        return jvm;
    }

    private static long token(String acquiredLine) {
        return Long.parseLong(acquiredLine.substring("ACQUIRED ".length()).trim());
    }

    private static Lease released(Lease lease) {
        lease.release();
        return lease;
    }
}
