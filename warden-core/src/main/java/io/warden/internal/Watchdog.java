package io.warden.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine for all leases of a Warden: it renews watched leases and checks every lease's
 * deadline. Runs on the Warden's single scheduler thread, never a thread per lock.
 *
 * <p>A tick renews every lease that is due, plus those due within five eighths of their renewal
 * interval ({@link LeaseMachine#earlyWindow}): more than half, so that leases taken at different
 * times converge to one tick per interval instead of keeping as many ticks as they had due instants. Due leases are grouped by {@link
 * LockStore#renewalGroup} (one group on a standalone server, one per hash slot on a Cluster) and
 * each group is sent as script calls of up to {@value #BATCH} keys; all calls of a tick are
 * pipelined on the connection, so a tick costs about one round trip per node. Each call succeeds or
 * fails on its own: a failing group never delays the others.
 *
 * <p>Deadline checks never wait for Redis: a lease whose renewal is stuck is declared lost when its
 * local deadline comes, before the key can expire on the server.
 *
 * <p>Cost: a tick visits every tracked lease once, under that lease's monitor (deadline, renewal
 * due, next event), over a copy of a plain array of leases; due renewals are gathered in arrays per
 * group, without an object per renewal on this side. A tracked lease costs one array slot here.
 */
final class Watchdog {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    static final int BATCH = 500;
    private static final long FALLBACK_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final LeaseState[] NONE = new LeaseState[0];

    private final Wiring wiring;
    /** Tracked leases in the first {@code count} slots, each knowing its slot; guarded by {@code this}. */
    private LeaseState[] leases = NONE;

    private int count;
    private final Object scheduling = new Object();
    private Scheduler.@Nullable Cancellable nextTick;
    private long nextTickAt;
    private boolean stopped;

    Watchdog(Wiring wiring) {
        this.wiring = wiring;
    }

    void track(LeaseState lease) {
        synchronized (this) {
            if (lease.watchdogSlot < 0) {
                if (count == leases.length) {
                    leases = Arrays.copyOf(leases, Math.max(16, count * 2));
                }
                leases[count] = lease;
                lease.watchdogSlot = count++;
            }
        }
        reschedule(lease.nextEventAt());
    }

    synchronized void forget(LeaseState lease) {
        int slot = lease.watchdogSlot;
        if (slot < 0 || slot >= count || leases[slot] != lease) {
            return;
        }
        LeaseState last = leases[--count];
        leases[slot] = last;
        last.watchdogSlot = slot;
        leases[count] = null;
        lease.watchdogSlot = -1;
        if (leases.length > 64 && count < leases.length / 4) {
            leases = Arrays.copyOf(leases, leases.length / 2); // do not keep the room of a past peak
        }
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
            LeaseState[] tracked;
            synchronized (this) {
                tracked = Arrays.copyOf(leases, count);
            }
            // Deadlines, due renewals and the next tick in one pass: a lease losing its deadline here
            // ends and forgets itself, which the copy allows.
            Due due = new Due();
            long next = Long.MAX_VALUE;
            for (LeaseState lease : tracked) {
                long at = lease.watch(now, due);
                next = at - next < 0 ? at : next;
            }
            if (due.total > 0) {
                wiring.metrics().renewalRoundTrips.increment();
                wiring.listeners().renewalRoundTrip(due.total);
                for (Group group : due.groups) {
                    for (int from = 0; from < group.size; from += BATCH) {
                        send(group, from, Math.min(group.size, from + BATCH), now);
                    }
                }
            }
            reschedule(next);
        } catch (RuntimeException | Error e) {
            log.error("watchdog tick failed; trying again shortly", e);
            reschedule(wiring.ticker().nanos() + FALLBACK_TICK_NANOS);
        }
    }

    /** Sends {@code group}'s renewals {@code from} (inclusive) to {@code to}, all marked in flight at {@code sentAt}. */
    private void send(Group group, int from, int to, long sentAt) {
        int size = to - from;
        LeaseState[] renewed = Arrays.copyOfRange(group.leases, from, to);
        long[] ttls = Arrays.copyOfRange(group.ttls, from, to);
        List<LockStore.Renewal> requests = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String token = renewed[i].token(); // formatted once per renewal: a lease keeps it as two longs
            requests.add(
                    new LockStore.Renewal(renewed[i].keys().leaseKey(token), token, LeaseSpec.toMillisCeil(ttls[i])));
        }
        wiring.metrics().renewalCalls.increment();
        wiring.metrics().renewalsSent.add(size);
        Listeners listeners = wiring.listeners();
        if (listeners.active()) {
            for (LeaseState lease : renewed) {
                listeners.renewalSent(lease.name());
            }
        }
        wiring.store().renew(requests).whenComplete((outcomes, error) -> {
            long next = Long.MAX_VALUE;
            if (error != null) {
                wiring.metrics().renewalFailures.increment();
                log.warn(
                        "renewal of {} lease(s) on {} failed; retrying until their deadlines: {}",
                        size,
                        wiring.address(),
                        Failures.rootMessage(error));
                for (LeaseState lease : renewed) {
                    long at = lease.renewalFailed(error);
                    next = at - next < 0 ? at : next;
                }
            } else {
                for (int i = 0; i < size; i++) {
                    long at = renewed[i].renewalReplied(sentAt, ttls[i], outcomes.get(i));
                    next = at - next < 0 ? at : next;
                }
            }
            reschedule(next);
        });
    }

    /** Leases tracked, for leak checks. */
    synchronized int size() {
        return count;
    }

    /** The renewals one tick found due, by {@link LockStore#renewalGroup}; used on the tick's thread only. */
    private final class Due implements LeaseState.DueRenewals {
        final List<Group> groups = new ArrayList<>(1);
        private final Map<Integer, Group> byId = new HashMap<>();
        int total;
        private @Nullable Group last;

        @Override
        public void add(LeaseState lease, long ttlNanos) {
            int id = wiring.store().renewalGroup(lease.keys().lockKey());
            Group group = last;
            if (group == null || group.id != id) {
                group = byId.get(id);
                if (group == null) {
                    group = new Group(id);
                    byId.put(id, group);
                    groups.add(group);
                }
                last = group;
            }
            group.add(lease, ttlNanos);
            total++;
        }
    }

    /** One renewal group's due leases and the TTL each renewal sets, in parallel arrays. */
    private static final class Group {
        final int id;
        LeaseState[] leases = new LeaseState[16];
        long[] ttls = new long[16];
        int size;

        Group(int id) {
            this.id = id;
        }

        void add(LeaseState lease, long ttlNanos) {
            if (size == leases.length) {
                leases = Arrays.copyOf(leases, size * 2);
                ttls = Arrays.copyOf(ttls, size * 2);
            }
            leases[size] = lease;
            ttls[size] = ttlNanos;
            size++;
        }
    }
}
