package io.warden.cli;

import io.warden.testkit.RedisServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The build's training run for the class-data sharing archive that {@code bin/warden} uses: runs
 * {@code exec}, {@code status} and {@code list} against a throwaway redis-server, so that the JVM,
 * started with {@code -XX:ArchiveClassesAtExit}, archives the classes a real run loads. Loading
 * them from the archive instead of the jar is most of what makes {@code warden} start faster (see
 * docs/benchmarks.md, "CLI start-up"). Not a user command; the build runs it once after packaging.
 */
final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) {
        Logging.quietByDefault();
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        int failures = 0;
        try (RedisServer server = RedisServer.start()) {
            String uri = server.uri();
            failures += check(Main.run("exec", "--redis", uri, "-n", "warden-cds-training", "--", "true"));
            failures += check(Main.run("status", "--redis", uri, "warden-cds-training"));
            failures += check(Main.run("list", "--redis", uri));
        }
        System.setOut(out);
        // A failed run still leaves a usable (smaller) archive; say so, but do not fail the build.
        if (failures > 0) {
            System.err.println("warden: the class-data sharing training run did not complete every command");
        }
    }

    private static int check(int code) {
        return code == ExitCodes.OK || code == ExitCodes.FREE ? 0 : 1;
    }
}
