package io.warden.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * The redis-server binaries bundled in the embedded-redis jar, extracted once to a cache folder. Only
 * Linux and macOS on amd64 and arm64 are covered.
 */
final class BundledRedis {

    private BundledRedis() {}

    /** The resource name of the binary for this OS and CPU, or an exception naming what is unsupported. */
    static String resourceName(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean amd64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux") && amd64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        } else if (os.contains("linux") && arm64) {
            return "redis-server-6.2.7-linux-arm64";
        } else if (os.contains("mac") && amd64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        } else if (os.contains("mac") && arm64) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("no bundled redis-server for " + osName + "/" + osArch
                + "; install redis-server or set WARDEN_REDIS_SERVER");
    }

    /**
     * Returns the extracted binary for this platform, extracting it first if the cache does not hold a
     * complete copy. Concurrent extractions (other JVMs included) are safe: each writes its own temp file
     * and moves it into place atomically.
     */
    static Path extract(Map<String, String> env) {
        String name = resourceName(System.getProperty("os.name"), System.getProperty("os.arch"));
        URL resource = BundledRedis.class.getClassLoader().getResource(name);
        if (resource == null) {
            throw new IllegalStateException("resource " + name + " not found; is embedded-redis on the class path?");
        }
        try {
            long size = resource.openConnection().getContentLengthLong();
            IOException failure = null;
            for (Path dir : cacheDirs(env)) {
                try {
                    return extractInto(dir, name, resource, size);
                } catch (IOException e) {
                    failure = e;
                }
            }
            throw failure;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract bundled " + name, e);
        }
    }

    private static Path[] cacheDirs(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path home =
                xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return new Path[] {
            home.resolve("warden").resolve("redis"),
            Paths.get(System.getProperty("java.io.tmpdir"), "warden-redis-" + System.getProperty("user.name"))
        };
    }

    private static Path extractInto(Path dir, String name, URL resource, long size) throws IOException {
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.isExecutable(target) && (size < 0 || Files.size(target) == size)) {
            return target;
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, name, ".part");
        try {
            try (InputStream in = resource.openStream()) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            // Executable before the move, so no reader ever sees the final name without the bit.
            if (!temp.toFile().setExecutable(true, false)) {
                throw new IOException("cannot make " + temp + " executable");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
