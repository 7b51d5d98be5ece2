package io.warden.chaos;

import java.time.Duration;
import java.util.List;

/**
 * One chaos run's shape.
 *
 * @param seed seeds the nemesis's schedule and the workers' hold times
 * @param duration how long the nemesis runs (it always completes one round of {@code faults})
 * @param faults the fault types the nemesis picks from
 * @param appendOnly whether the lock Redis has an AOF (fsync always)
 * @param mode {@code warden}, or {@code naive} for the deliberately broken lock
 * @param workers worker JVMs
 * @param threadsPerWorker contending threads in each
 * @param lease the lease time (the watchdog renews it)
 */
public record RunSettings(
        long seed,
        Duration duration,
        List<Fault> faults,
        boolean appendOnly,
        String mode,
        int workers,
        int threadsPerWorker,
        Duration lease) {
    public RunSettings {
        faults = List.copyOf(faults);
    }
}
