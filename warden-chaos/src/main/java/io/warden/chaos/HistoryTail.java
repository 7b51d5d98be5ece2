package io.warden.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Follows the history files of a run directory as the workers append to them, so the nemesis can aim a
 * fault at a moment a worker reached (a long-lease holding began, a release failed). Reads only whole
 * lines; not thread-safe.
 */
final class HistoryTail {
    private final Path dir;
    private final Map<Path, Long> offsets = new HashMap<>();
    private final ArrayDeque<Event> pending = new ArrayDeque<>();

    HistoryTail(Path dir) {
        this.dir = dir;
    }

    /** Skips everything recorded so far. */
    void skipToEnd() {
        poll();
        pending.clear();
    }

    /** The events appended since the last call, per file in order. */
    List<Event> poll() {
        List<Event> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(History.SUFFIX)).toList()) {
                if (file.getFileName().toString().equals(Nemesis.PROCESS + History.SUFFIX)) {
                    continue;
                }
                read(file, events);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    private void read(Path file, List<Event> into) throws IOException {
        long offset = offsets.getOrDefault(file, 0L);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            int lastNewline = -1;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) {
                return;
            }
            String text = new String(bytes, 0, lastNewline, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    into.add(Event.parse(line));
                }
            }
            offsets.put(file, offset + lastNewline + 1);
        }
    }

    /** Waits up to {@code timeout} for an event matching {@code matcher}; null if none came. */
    Event await(Predicate<Event> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            pending.addAll(poll());
            while (!pending.isEmpty()) {
                Event e = pending.poll();
                if (matcher.test(e)) {
                    return e;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            ChaosCluster.sleepMillis(3);
        }
    }
}
