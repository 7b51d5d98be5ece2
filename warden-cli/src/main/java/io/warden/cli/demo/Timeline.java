package io.warden.cli.demo;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the demo's story with the time since it started, so the reader sees what waited on what. */
public final class Timeline {
    private final long start = System.nanoTime();
    private final PrintStream out;

    public Timeline(PrintStream out) {
        this.out = out;
    }

    /** A step, indented under the current section. */
    public void log(String format, Object... args) {
        print("  " + String.format(Locale.ROOT, format, args));
    }

    /** A section heading. */
    public void section(String title) {
        synchronized (out) {
            out.println();
        }
        print(title);
    }

    /** Seconds since the demo started. */
    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    private void print(String line) {
        synchronized (out) {
            out.printf(Locale.ROOT, "[%6.3fs] %s%n", seconds(), line);
            out.flush();
        }
    }
}
