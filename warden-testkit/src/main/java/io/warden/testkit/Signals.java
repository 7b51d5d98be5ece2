package io.warden.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Sends POSIX signals to processes with the {@code kill} command, for the signals Java cannot send itself. */
final class Signals {

    private Signals() {}

    /**
     * Sends {@code signal} (a name without the {@code SIG} prefix, such as {@code "STOP"}) to {@code pid}.
     *
     * @throws IllegalStateException if {@code kill} fails, for example because the process is gone
     */
    static void send(long pid, String signal) {
        ProcessBuilder builder = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process kill = builder.start();
            byte[] output = kill.getInputStream().readAllBytes();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -s " + signal + " " + pid + " did not finish");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -s " + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }
}
