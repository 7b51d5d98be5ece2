package io.warden.internal;

/**
 * The monotonic clock every lease rule reads: validity, renewal schedule, deadlines, waits. Only
 * the wiring in {@link WardenCore} picks the real one; tests and the simulation pass a fake, so
 * no internal class reads {@link System#nanoTime()} on its own.
 */
@FunctionalInterface
interface Ticker {
    /** The system's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
    long nanos();
}
