package io.warden.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** Reads a child's output stream on a daemon thread into a list of every line and a queue of unread lines. */
final class LineCollector {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final Thread reader;

    LineCollector(InputStream stream, String threadName) {
        reader = new Thread(() -> read(stream), threadName);
        reader.setDaemon(true);
        reader.start();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    BlockingQueue<String> unread() {
        return unread;
    }

    boolean isFinished() {
        return !reader.isAlive();
    }

    private void read(InputStream stream) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                unread.add(line);
            }
        } catch (IOException e) {
            // The process ended or its stream was closed: no more lines.
        }
    }
}
