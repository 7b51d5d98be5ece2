package io.warden.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Creates and removes the private working directories of test servers. */
final class TempDirs {

    private TempDirs() {}

    /** A new directory, deleted by the shutdown hook if {@link #delete} is never called for it. */
    static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            LiveProcesses.trackDir(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** Deletes a directory from {@link #create}. */
    static void delete(Path dir) {
        deleteQuietly(dir);
        LiveProcesses.untrackDir(dir);
    }

    /** Deletes {@code dir} and everything in it; best effort, since a leftover temp file harms no test. */
    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(TempDirs::deleteOne);
        } catch (IOException | UncheckedIOException e) {
            // Best effort: see above.
        }
    }

    private static void deleteOne(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort: see deleteQuietly.
        }
    }

    /** The last {@code maxLines} lines of {@code file}, or a note saying it could not be read. */
    static String tail(Path file, int maxLines) {
        try {
            List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .collect(Collectors.toList());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
