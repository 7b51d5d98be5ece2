package io.warden.chaos;

import io.warden.testkit.ChildJvm;
import io.warden.testkit.FaultProxy;
import io.warden.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The system under test of one run: a lock Redis (with or without AOF), a resource Redis, and worker
 * JVMs that each reach the lock Redis through their own {@link FaultProxy}. Owns every process it
 * starts; {@link #close()} kills whatever is left.
 */
public final class ChaosCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final RunSettings settings;
    private final Path historyDir;
    private final Path controlDir;
    private final RedisServer lockRedis;
    private final RedisServer resourceRedis;
    private final List<Slot> slots = new ArrayList<>();
    private final List<ChildJvm> everyWorker = new ArrayList<>();

    /** One worker position: its proxy stays; a killed worker is replaced by a new generation. */
    static final class Slot {
        final int index;
        final FaultProxy proxy;
        volatile ChildJvm worker;
        volatile int generation;

        Slot(int index, FaultProxy proxy) {
            this.index = index;
            this.proxy = proxy;
        }

        String processName() {
            return "w" + index + "." + generation;
        }
    }

    private ChaosCluster(RunSettings settings, Path historyDir) {
        this.settings = settings;
        this.historyDir = historyDir;
        this.controlDir = historyDir.resolve("control");
        this.lockRedis = RedisServer.builder().appendOnly(settings.appendOnly()).start();
        this.resourceRedis = RedisServer.start();
    }

    /** Starts the servers, proxies and workers, and returns once every worker runs. */
    public static ChaosCluster start(RunSettings settings, Path historyDir) {
        ChaosCluster cluster = new ChaosCluster(settings, historyDir);
        try {
            Files.createDirectories(cluster.controlDir);
            for (int i = 0; i < settings.workers(); i++) {
                Slot slot = new Slot(i, FaultProxy.to(cluster.lockRedis));
                cluster.slots.add(slot);
                cluster.launch(slot);
            }
            for (Slot slot : cluster.slots) {
                slot.worker.awaitLine(l -> l.startsWith("STARTED"), START_TIMEOUT);
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private synchronized void launch(Slot slot) {
        ChildJvm worker = ChildJvm.start(
                WorkerMain.class,
                "lock=" + slot.proxy.uri(),
                "resource=" + resourceRedis.uri(),
                "history=" + historyDir,
                "name=" + slot.processName(),
                "threads=" + settings.threadsPerWorker(),
                "leaseMillis=" + settings.lease().toMillis(),
                "mode=" + settings.mode(),
                "control=" + controlDir,
                "seed=" + (settings.seed() * 1000 + slot.index * 100 + slot.generation));
        everyWorker.add(worker);
        slot.worker = worker;
    }

    /** Starts a new generation in a slot whose worker was killed; does not wait for it. */
    void replace(Slot slot) {
        slot.generation++;
        launch(slot);
    }

    List<Slot> slots() {
        return slots;
    }

    Path historyDir() {
        return historyDir;
    }

    RedisServer lockRedis() {
        return lockRedis;
    }

    /**
     * The process that last wrote to the resource if its token is the latest the lock minted (so it most
     * likely still holds the lock), else null.
     */
    String likelyHolder() {
        List<?> register = (List<?>) resourceRedis.command("HMGET", FencedResource.REGISTER_KEY, "token", "writer");
        String fenceKey =
                ("naive".equals(settings.mode()) ? "naive" : "warden") + ":{" + WorkerMain.LOCK_NAME + "}:fence";
        Object minted = lockRedis.command("GET", fenceKey);
        if (register.get(0) == null || minted == null || !register.get(0).equals(minted.toString())) {
            return null;
        }
        return register.get(1).toString();
    }

    /** The writes the resource accepted, in order. */
    public List<FencedResource.AcceptedWrite> acceptedWrites() {
        return FencedResource.parseAccepted(
                (List<?>) resourceRedis.command("LRANGE", FencedResource.ACCEPTED_KEY, "0", "-1"));
    }

    /**
     * Stops the workers gracefully and checks that nothing is left behind: while they are idle (threads
     * ended, Wardens still open) no lease is held locally, no lock key is left in Redis and no release
     * channel has a subscriber; after they close, no Warden thread is alive and every worker exits 0.
     */
    public LeakCheck stop() {
        touch("stop");
        List<ChildJvm> alive = slots.stream().map(s -> s.worker).toList();
        List<String> problems = new ArrayList<>();
        for (ChildJvm worker : alive) {
            String idle = worker.awaitLine(l -> l.startsWith("IDLE") || l.startsWith("STUCK"), STOP_TIMEOUT);
            if (!idle.equals("IDLE held=0")) {
                problems.add(worker + ": " + idle);
            }
        }
        List<String> lockKeys = awaitNoLockKeys(Duration.ofSeconds(5));
        if (!lockKeys.isEmpty()) {
            problems.add("lock keys left in Redis while every worker is idle: " + lockKeys);
        }
        long subscribers = awaitNoSubscribers(Duration.ofSeconds(5));
        if (subscribers != 0) {
            problems.add(subscribers + " subscribers left on the release channel while every worker is idle");
        }
        touch("close");
        for (ChildJvm worker : alive) {
            String done = worker.awaitLine(l -> l.startsWith("DONE"), STOP_TIMEOUT);
            if (!done.equals("DONE threads=0")) {
                problems.add(worker + ": " + done);
            }
            int exit = worker.waitFor(STOP_TIMEOUT);
            if (exit != 0) {
                problems.add(worker + " exited with " + exit + "; stderr: " + worker.stderr());
            }
        }
        return new LeakCheck(lockKeys, subscribers, problems);
    }

    /** What {@link #stop()} found. */
    public record LeakCheck(List<String> lockKeysLeft, long releaseChannelSubscribers, List<String> problems) {}

    private List<String> awaitNoLockKeys(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> keys = new ArrayList<>();
            for (Object key : (List<?>) lockRedis.command("KEYS", "*")) {
                String name = key.toString();
                if (!name.endsWith(":fence")) {
                    keys.add(name);
                }
            }
            // A naive lock key left by a killed holder expires by itself; Warden must leave none.
            if (keys.isEmpty() || System.nanoTime() - deadline > 0) {
                return keys;
            }
            sleepMillis(100);
        }
    }

    private long awaitNoSubscribers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<?> reply =
                    (List<?>) lockRedis.command("PUBSUB", "NUMSUB", "warden:{" + WorkerMain.LOCK_NAME + "}:released");
            long count = (Long) reply.get(1);
            if (count == 0 || System.nanoTime() - deadline > 0) {
                return count;
            }
            sleepMillis(100);
        }
    }

    private void touch(String file) {
        try {
            Files.writeString(controlDir.resolve(file), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills every worker still running and stops the proxies and servers. Idempotent. */
    @Override
    public synchronized void close() {
        for (ChildJvm worker : everyWorker) {
            worker.close();
        }
        for (Slot slot : slots) {
            slot.proxy.close();
        }
        lockRedis.close();
        resourceRedis.close();
    }
}
