package io.warden.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that only moves when told: the one clock of a simulation. Monotonic like the
 * real one: it never goes back. Starts at an arbitrary non-zero origin so that code which wrongly
 * treats nanos as absolute shows up.
 */
public final class FakeTicker implements Ticker {
    /** Where a new ticker starts: far from 0, as {@link System#nanoTime()} is. */
    public static final long ORIGIN = 1_000_000_000_000L;

    private final long origin;
    private final AtomicLong now;

    public FakeTicker() {
        this(ORIGIN);
    }

    public FakeTicker(long start) {
        this.origin = start;
        this.now = new AtomicLong(start);
    }

    @Override
    public long nanos() {
        return now.get();
    }

    /** Moves the clock forward by {@code nanos} (not negative); returns the new time. */
    public long advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back " + nanos + " ns");
        }
        return now.addAndGet(nanos);
    }

    public long advance(Duration duration) {
        return advance(duration.toNanos());
    }

    /** Sets the clock to {@code nanos}, which must not be earlier than now. */
    public void set(long nanos) {
        long previous = now.getAndUpdate(current -> Math.max(current, nanos));
        if (nanos < previous) {
            throw new IllegalArgumentException("a monotonic clock cannot go back from " + previous + " to " + nanos);
        }
    }

    /** Time since this ticker started, in milliseconds with fractions, for traces. */
    public String elapsed() {
        return String.format(java.util.Locale.ROOT, "%.3fms", (now.get() - origin) / 1e6);
    }

    @Override
    public String toString() {
        return "FakeTicker@" + elapsed();
    }
}
