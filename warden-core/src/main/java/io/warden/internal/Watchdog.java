package io.warden.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine for all leases of a Warden: it renews watched leases and checks every lease's
 * deadline. Runs on the Warden's single scheduler thread, never a thread per lock.
 *
 * <p>A tick renews every lease that is due, plus those due within a quarter of their renewal
 * interval, so renewals coalesce into few ticks. Due leases are grouped by {@link
 * LockStore#renewalGroup} (one group on a standalone server, one per hash slot on a Cluster) and
 * each group is sent as script calls of up to {@value #BATCH} keys; all calls of a tick are
 * pipelined on the connection, so a tick costs about one round trip per node. Each call succeeds or
 * fails on its own: a failing group never delays the others.
 *
 * <p>Deadline checks never wait for Redis: a lease whose renewal is stuck is declared lost when its
 * local deadline comes, before the key can expire on the server.
 */
final class Watchdog {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    static final int BATCH = 500;
    private static final long FALLBACK_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Wiring wiring;
    private final Set<LeaseState> leases = ConcurrentHashMap.newKeySet();
    private final Object scheduling = new Object();
    private Scheduler.@Nullable Cancellable nextTick;
    private long nextTickAt;
    private boolean stopped;

    Watchdog(Wiring wiring) {
        this.wiring = wiring;
    }

    void track(LeaseState lease) {
        leases.add(lease);
        reschedule(lease.nextEventAt());
    }

    void forget(LeaseState lease) {
        leases.remove(lease);
    }

    /** Makes sure a tick runs no later than {@code at} (a {@link Ticker} instant). */
    void reschedule(long at) {
        if (at == Long.MAX_VALUE) {
            return;
        }
        synchronized (scheduling) {
            if (stopped || (nextTick != null && at - nextTickAt >= 0)) {
                return;
            }
            if (nextTick != null) {
                nextTick.cancel();
            }
            nextTickAt = at;
            nextTick =
                    wiring.scheduler().schedule(this::tick, at - wiring.ticker().nanos());
        }
    }

    void stop() {
        synchronized (scheduling) {
            stopped = true;
            if (nextTick != null) {
                nextTick.cancel();
                nextTick = null;
            }
        }
    }

    private void tick() {
        synchronized (scheduling) {
            nextTick = null;
        }
        try {
            long now = wiring.ticker().nanos();
            Map<Integer, List<LeaseState.Renewal>> groups = new HashMap<>();
            for (LeaseState lease : leases) {
                lease.checkDeadline(now);
                LeaseState.Renewal due = lease.renewalDue(now);
                if (due != null) {
                    groups.computeIfAbsent(
                                    wiring.store().renewalGroup(lease.keys().lockKey()), g -> new ArrayList<>())
                            .add(due);
                }
            }
            if (!groups.isEmpty()) {
                wiring.metrics().renewalRoundTrips.increment();
                wiring.listeners()
                        .renewalRoundTrip(
                                groups.values().stream().mapToInt(List::size).sum());
                for (List<LeaseState.Renewal> group : groups.values()) {
                    for (int from = 0; from < group.size(); from += BATCH) {
                        send(group.subList(from, Math.min(group.size(), from + BATCH)));
                    }
                }
            }
            rescheduleFromLeases();
        } catch (RuntimeException | Error e) {
            log.error("watchdog tick failed; trying again shortly", e);
            reschedule(wiring.ticker().nanos() + FALLBACK_TICK_NANOS);
        }
    }

    private void rescheduleFromLeases() {
        long next = Long.MAX_VALUE;
        for (LeaseState lease : leases) {
            long at = lease.nextEventAt();
            if (at - next < 0) {
                next = at;
            }
        }
        reschedule(next);
    }

    private void send(List<LeaseState.Renewal> batch) {
        List<LeaseState.Renewal> renewals = List.copyOf(batch);
        List<LockStore.Renewal> requests = new ArrayList<>(renewals.size());
        for (LeaseState.Renewal renewal : renewals) {
            requests.add(new LockStore.Renewal(
                    renewal.lease().keys().leaseKey(renewal.lease().token()),
                    renewal.lease().token(),
                    LeaseSpec.toMillisCeil(renewal.ttlNanos())));
        }
        wiring.metrics().renewalCalls.increment();
        wiring.metrics().renewalsSent.add(renewals.size());
        for (LeaseState.Renewal renewal : renewals) {
            wiring.listeners().renewalSent(renewal.lease().name());
        }
        wiring.store().renew(requests).whenComplete((outcomes, error) -> {
            if (error != null) {
                wiring.metrics().renewalFailures.increment();
                log.warn(
                        "renewal of {} lease(s) on {} failed; retrying until their deadlines: {}",
                        renewals.size(),
                        wiring.address(),
                        Failures.rootMessage(error));
                renewals.forEach(r -> r.lease().renewalFailed(error));
            } else {
                for (int i = 0; i < renewals.size(); i++) {
                    renewals.get(i).lease().renewalReplied(renewals.get(i), outcomes.get(i));
                }
            }
            long next = Long.MAX_VALUE;
            for (LeaseState.Renewal renewal : renewals) {
                long at = renewal.lease().nextEventAt();
                next = at - next < 0 ? at : next;
            }
            reschedule(next);
        });
    }

    /** Leases tracked, for leak checks. */
    int size() {
        return leases.size();
    }
}
