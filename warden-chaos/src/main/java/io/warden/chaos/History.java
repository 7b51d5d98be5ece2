package io.warden.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A history file: one {@link Event} per line, appended by one process. Each line is handed to the
 * kernel as soon as it is recorded (no user-space buffer), so a SIGKILLed worker loses nothing it
 * recorded. Thread-safe.
 */
public final class History implements AutoCloseable {
    /** File name suffix of history files in a run directory. */
    public static final String SUFFIX = ".jsonl";

    private final OutputStream out;
    private final String process;
    private final long pid = ProcessHandle.current().pid();

    private History(OutputStream out, String process) {
        this.out = out;
        this.process = process;
    }

    /** Appends to {@code dir/process.jsonl}, creating it. */
    public static History open(Path dir, String process) {
        try {
            Files.createDirectories(dir);
            OutputStream out = Files.newOutputStream(
                    dir.resolve(process + SUFFIX), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new History(out, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the history of " + process + " in " + dir, e);
        }
    }

    /** Records an event of this process at {@code time}. */
    public void record(long time, int thread, Event.Type type, long holding, long token, long seq, String info) {
        write(new Event(time, process, pid, thread, type, holding, token, seq, info));
    }

    /** Records an event stamped now. */
    public void record(int thread, Event.Type type, long holding, long token, long seq, String info) {
        record(System.nanoTime(), thread, type, holding, token, seq, info);
    }

    private synchronized void write(Event event) {
        try {
            out.write((event.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record " + event, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every event of every history file in {@code dir}, in time order. A last line cut short by a
     * kill is skipped.
     */
    public static List<Event> readAll(Path dir) {
        List<Event> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(SUFFIX)).sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        events.add(Event.parse(line));
                    } catch (RuntimeException e) {
                        if (i < lines.size() - 1) {
                            throw new IllegalStateException("bad line " + (i + 1) + " in " + file + ": " + line, e);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the history in " + dir, e);
        }
        events.sort(Comparator.comparingLong(Event::time));
        return events;
    }
}
