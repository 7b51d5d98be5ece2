package io.warden.internal.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What happened in a simulation, line by line, each stamped with fake time: the faults injected,
 * and whatever else the simulation notes. A failing seed prints it. Keeps the last {@code capacity}
 * lines, so a long run stays cheap.
 */
public final class Trace {
    private final LongSupplier clock;
    private final long origin;
    private final int capacity;
    private final Deque<String> lines = new ArrayDeque<>();
    private long dropped;

    /** A trace on {@code clock} (nanoseconds), stamping times relative to now. */
    public Trace(LongSupplier clock, int capacity) {
        this.clock = clock;
        this.origin = clock.getAsLong();
        this.capacity = capacity;
    }

    public Trace(LongSupplier clock) {
        this(clock, 20_000);
    }

    public synchronized void log(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
            dropped++;
        }
        lines.addLast(String.format(Locale.ROOT, "%12.3fms  %s", (clock.getAsLong() - origin) / 1e6, line));
    }

    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Lines containing {@code text}: for tests of the fault layer itself. */
    public synchronized List<String> matching(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public synchronized String toString() {
        StringBuilder out = new StringBuilder();
        if (dropped > 0) {
            out.append("(").append(dropped).append(" earlier lines dropped)\n");
        }
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }
}
