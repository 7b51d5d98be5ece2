package io.warden.internal;

import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One scripted-random user of a process's locks, acting on the fake clock with non-blocking calls
 * only: {@code acquireAsync} (short or long leases, watched or not, sometimes cancelled while
 * pending), a hold of a drawn time (sometimes longer than the lease), occasional re-entrant
 * re-acquisition with its explicit owner, occasional {@code extendAsync} (longer or shorter), then
 * {@code releaseAsync} of every handle, retrying some releases whose outcome was unknown.
 *
 * <p>By default extends are drawn only where they cannot shorten the key's TTL (unwatched leases,
 * beyond their remaining validity): an extend that shortens the TTL, or the renewal that follows an
 * extend beyond the lease time on a watched lease, leaves the holder's validity longer than the
 * key's TTL while its reply is in flight, and for good if the reply is lost (a known violation of
 * the conservative-view invariant). {@code -Dsim.anyExtend=true} draws any extend on any lease.
 */
final class SimClient {
    private final SimWorld world;
    private final SimProcess process;
    private final String id;
    private final Random random;
    private final Object owner = new Object();
    private final List<LeaseHandle> handles = new ArrayList<>();
    private CompletableFuture<Lease> pending;
    private boolean stopped;

    SimClient(SimWorld world, SimProcess process, String id, long seed) {
        this.world = world;
        this.process = process;
        this.id = id;
        this.random = new Random(seed);
    }

    void start() {
        later(millis(0, 200), this::acquire);
    }

    /** Stops acting; cancels or keeps a pending acquisition, releases or keeps held leases (for close). */
    void stop() {
        stopped = true;
        if (pending != null && random.nextBoolean()) {
            log("cancels its pending acquisition (stopping)");
            pending.cancel(false);
        }
        if (random.nextBoolean()) {
            releaseNext(0);
        } else if (!handles.isEmpty()) {
            log("keeps " + handles.size() + " handle(s) for close");
        }
    }

    private void acquire() {
        if (stopped) {
            return;
        }
        String name = world.names.get(random.nextInt(world.names.size()));
        LeaseOptions options = drawOptions();
        Duration wait = random.nextInt(4) == 0 ? Duration.ZERO : millis(10, 3000);
        log("acquireAsync " + name + " wait " + wait.toMillis() + "ms " + describe(options));
        CompletableFuture<Lease> future = process.lock(name).acquireAsync(wait, options);
        pending = future;
        if (random.nextInt(8) == 0) {
            later(millis(0, 300), () -> {
                if (!future.isDone()) {
                    log("cancels acquireAsync " + name);
                    future.cancel(false);
                }
            });
        }
        future.whenComplete((lease, error) -> {
            if (pending == future) {
                pending = null;
            }
            if (error != null) {
                log("acquire " + name + " failed: " + brief(error));
                later(millis(0, 300), this::acquire);
                return;
            }
            holding((LeaseHandle) lease, options);
        });
    }

    private LeaseOptions drawOptions() {
        LeaseOptions options = switch (random.nextInt(4)) {
            case 0 -> LeaseOptions.defaults();
            case 1 -> LeaseOptions.leaseTime(millis(20, 300));
            case 2 -> LeaseOptions.leaseTime(millis(300, 3000));
            default -> LeaseOptions.leaseTime(millis(50, 1000)).withWatchdog(true);
        };
        return options.withOwner(owner);
    }

    private void holding(LeaseHandle handle, LeaseOptions options) {
        SimLease lease = world.granted(process, id, handle);
        lease.handles.add(handle);
        handles.add(handle);
        log("got " + lease + " held=" + handle.isHeld() + " remaining "
                + handle.remaining().toMillis() + "ms");
        if (stopped) {
            stop();
            return;
        }
        long leaseMillis =
                options.explicitLeaseTime().orElse(world.defaultLease).toMillis();
        if (random.nextInt(4) == 0) {
            later(millis(0, leaseMillis), () -> reenter(lease.name(), options));
        }
        if (random.nextInt(5) == 0) {
            later(millis(0, leaseMillis), () -> extend(lease));
        }
        later(millis(1, 2 * leaseMillis), () -> releaseNext(0));
    }

    private void reenter(String name, LeaseOptions options) {
        if (stopped || handles.isEmpty()) {
            return;
        }
        log("re-enters " + name + " with its owner, wait 0");
        process.lock(name).acquireAsync(Duration.ZERO, options).whenComplete((lease, error) -> {
            if (error != null) {
                log("re-entry of " + name + " failed: " + brief(error));
            } else {
                SimLease shared = world.granted(process, id, (LeaseHandle) lease);
                shared.handles.add((LeaseHandle) lease);
                handles.add((LeaseHandle) lease);
                log("re-entered " + shared);
            }
        });
    }

    private void extend(SimLease lease) {
        if (stopped || !lease.handles.stream().anyMatch(LeaseHandle::isHeld)) {
            return;
        }
        // Any extend, including TTL-shortening ones and extends of watched leases (whose next
        // renewal may shorten the TTL again): seed 1 and 25 found a holder's view outlasting its
        // key here before validity was capped by every TTL command in flight.
        long least = 5;
        Duration to = millis(least, Math.max(least, 2000));
        log("extends " + lease + " to " + to.toMillis() + "ms");
        lease.state
                .extendAsync(to.toNanos())
                .whenComplete((ok, error) -> log("extend of " + lease + " to " + to.toMillis() + "ms: "
                        + (error == null ? "ok" : brief(error))));
    }

    /** Releases the handles one by one, newest first; retries some unknown outcomes. */
    private void releaseNext(int retries) {
        if (handles.isEmpty()) {
            if (!stopped) {
                later(millis(0, 300), this::acquire);
            }
            return;
        }
        LeaseHandle handle = handles.remove(handles.size() - 1);
        SimLease lease = world.lease(handle);
        log("releaseAsync " + lease + (retries > 0 ? " (retry " + retries + ")" : ""));
        handle.releaseAsync().whenComplete((ok, error) -> {
            if (error == null) {
                log("released " + lease + " -> phase " + lease.state.phase());
                world.invariants.releasedOk(lease);
            } else {
                log("release of " + lease + " failed: " + brief(error));
                if (unwrap(error) instanceof RedisUnavailableException && retries < 3 && random.nextBoolean()) {
                    handles.add(handle);
                    later(millis(0, 500), () -> releaseNext(retries + 1));
                    return;
                }
            }
            lease.handles.remove(handle);
            if (lease.handles.isEmpty()) {
                lease.letGo();
            }
            releaseNext(0);
        });
    }

    private void later(Duration delay, Runnable action) {
        world.scheduler.schedule(action, delay.toNanos());
    }

    private Duration millis(long from, long to) {
        return Duration.ofMillis(from + (to <= from ? 0 : random.nextLong(to - from + 1)));
    }

    private void log(String what) {
        world.trace.log(id + " " + what);
    }

    private static String describe(LeaseOptions options) {
        return "lease "
                + options.explicitLeaseTime().map(d -> d.toMillis() + "ms").orElse("default")
                + (options.watchdogEnabled() ? " watched" : "");
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static String brief(Throwable error) {
        Throwable cause = unwrap(error);
        // Without wall-clock stamps ("since ..."), so that a seed's trace replays exactly.
        return (cause.getClass().getSimpleName() + ": " + cause.getMessage()).replaceAll(" since \\S+", "");
    }
}
