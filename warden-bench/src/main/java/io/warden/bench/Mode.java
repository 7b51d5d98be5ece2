package io.warden.bench;

import java.time.Duration;

/**
 * How long and how often each scenario runs. {@code smoke} only proves the harness works (one short
 * round, figures not meant to be read; CI runs it, so it must stay around a minute); {@code full}
 * produces the published figures: five rounds, sized so that the whole run, a fresh JVM per library
 * and round, stays within about 25 minutes on a 2-core machine.
 *
 * @param rounds rounds per scenario; each round runs every library once, each in a fresh JVM
 * @param warmup unmeasured load before each measured window
 * @param measure length of each measured window (S1 to S4)
 * @param childWarmup unmeasured load each child JVM runs on its own key before S4 starts
 * @param processes contender JVMs in S4
 * @param leases leases held at once in S5 (a tenth as many in its scaling check)
 * @param watchdogSettle how long S5 waits after its warm-up pairs, so that renewal timers they
 *     started have run out before the leases are taken, and again with the leases held before its
 *     measured hold, so that the renewal path is compiled (see {@link WatchdogScenario})
 * @param hold how long S5 holds its leases
 * @param firings times the S6 task fires on each node
 * @param benchmarkRequests requests per redis-benchmark run
 * @param monitoredPairs acquire/release pairs counted with MONITOR for client commands per pair
 */
record Mode(
        String name,
        int rounds,
        Duration warmup,
        Duration measure,
        Duration childWarmup,
        int processes,
        int leases,
        Duration watchdogSettle,
        Duration hold,
        int firings,
        int benchmarkRequests,
        int monitoredPairs) {

    static Mode smoke() {
        return new Mode(
                "smoke",
                1,
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                Duration.ofMillis(300),
                // Smoke figures are not read: fewer JVMs and no settling keep CI's run short.
                2,
                1_000,
                Duration.ZERO,
                Duration.ofSeconds(1),
                50,
                2_000,
                100);
    }

    static Mode full() {
        return new Mode(
                "full",
                5,
                // A fresh JVM starts cold: the warm-up must bring the pair loop through JIT compilation.
                Duration.ofMillis(2_500),
                Duration.ofSeconds(4),
                Duration.ofSeconds(2),
                4,
                10_000,
                WatchdogScenario.RENEWAL_INTERVAL.multipliedBy(2),
                Duration.ofSeconds(10),
                4_000,
                100_000,
                1_000);
    }

    static Mode of(String name) {
        switch (name) {
            case "smoke":
                return smoke();
            case "full":
                return full();
            default:
                throw new IllegalArgumentException("unknown mode '" + name + "' (smoke or full)");
        }
    }

    boolean isFull() {
        return name.equals("full");
    }
}
