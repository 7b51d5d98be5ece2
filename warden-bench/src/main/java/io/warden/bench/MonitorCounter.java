package io.warden.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the commands clients send, through a MONITOR connection: MONITOR prints every command with
 * its source, {@code lua} for those a script ran, so client requests can be told apart from work
 * done inside scripts, which INFO commandstats mixes together.
 */
final class MonitorCounter implements AutoCloseable {
    private final RedisAddress server;
    private final Socket socket;
    private final AtomicLong clientCommands = new AtomicLong();
    private final String marker = "bench-marker-" + UUID.randomUUID();
    private final CountDownLatch markerSeen = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);

    private MonitorCounter(RedisAddress server) throws IOException {
        this.server = server;
        this.socket = new Socket(server.host(), server.port());
        socket.getOutputStream().write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        Thread reader = new Thread(this::read, "monitor-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static MonitorCounter start(RedisAddress server) throws IOException, InterruptedException {
        MonitorCounter counter = new MonitorCounter(server);
        if (!counter.started.await(5, TimeUnit.SECONDS)) {
            counter.close();
            throw new IllegalStateException("MONITOR did not start");
        }
        return counter;
    }

    /** Waits until every command sent before this call has been seen; returns the client commands. */
    long stop() throws InterruptedException {
        server.command("ECHO", marker);
        if (!markerSeen.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("MONITOR never showed the end marker");
        }
        return clientCommands.get();
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("+OK")) {
                    started.countDown();
                } else if (line.contains(marker)) {
                    markerSeen.countDown();
                    return;
                } else if (isClientCommand(line)) {
                    clientCommands.incrementAndGet();
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code +1700000000.123456 [0 127.0.0.1:5000] "evalsha" ...}: anything but {@code [0 lua]}. */
    static boolean isClientCommand(String line) {
        int open = line.indexOf(" [");
        int close = line.indexOf("] ", open + 2);
        if (!line.startsWith("+") || open < 0 || close < 0) {
            return false;
        }
        String source = line.substring(open + 2, close);
        return !source.endsWith(" lua");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a monitor socket: nothing left to do
        }
    }
}
