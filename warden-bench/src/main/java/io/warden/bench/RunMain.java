package io.warden.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The child side of {@link FreshJvm}: measures one library in one round of one scenario, in a JVM
 * that has run nothing else, writes the figures as JSON lines to a file and exits.
 *
 * <p>Arguments: scenario id, library id, round, mode, Redis host, Redis port, output file.
 */
public final class RunMain {
    private RunMain() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            Scenario scenario = Scenarios.byId(args[0]);
            Library library = Library.ofId(args[1]);
            int round = Integer.parseInt(args[2]);
            Bench bench = new Bench(new RedisAddress(args[4], Integer.parseInt(args[5])), Mode.of(args[3]));
            List<RunResult> results = scenario.run(bench, library, round);
            Files.write(
                    Path.of(args[6]), results.stream().map(RunResult::toJson).toList(), StandardCharsets.UTF_8);
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // Peer clients can leave non-daemon threads behind after close.
        System.exit(status);
    }
}
