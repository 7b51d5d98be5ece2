package io.warden.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A redis-server executable and its version. {@link #find()} looks, in order, at the environment variable
 * {@value #ENV_VARIABLE}, at {@code redis-server} on the {@code PATH}, and at the binary bundled in the
 * embedded-redis jar (Linux and macOS, amd64 and arm64; Redis 6.2), which it extracts once to {@code
 * $XDG_CACHE_HOME/warden/redis} or {@code ~/.cache/warden/redis}, falling back to {@code java.io.tmpdir}.
 *
 * <p>Guarantees that the returned binary ran {@code --version} successfully. Does not check that it can
 * actually serve (missing shared libraries may still stop a server from starting), nor which modules or
 * build options it has.
 */
public final class RedisBinary {

    /** Environment variable naming a redis-server binary to use instead of any other. */
    public static final String ENV_VARIABLE = "WARDEN_REDIS_SERVER";

    private static final Logger LOG = LoggerFactory.getLogger(RedisBinary.class);
    private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Where a binary was found. */
    public enum Source {
        /** Named by {@value RedisBinary#ENV_VARIABLE}. */
        ENVIRONMENT,
        /** Found as {@code redis-server} on the {@code PATH}. */
        PATH,
        /** Extracted from the embedded-redis jar. */
        BUNDLED
    }

    private static volatile RedisBinary found;

    private final Path path;
    private final String version;
    private final Source source;

    private RedisBinary(Path path, String version, Source source) {
        this.path = path;
        this.version = version;
        this.source = source;
    }

    /** Finds the binary for this process's environment; the lookup runs once per JVM and is cached. */
    public static RedisBinary find() {
        RedisBinary binary = found;
        if (binary == null) {
            synchronized (RedisBinary.class) {
                if (found == null) {
                    found = find(System.getenv());
                    LOG.info("Warden test kit uses {}", found);
                }
                binary = found;
            }
        }
        return binary;
    }

    /** Finds the binary as {@link #find()} does, but reading {@code env} instead of the real environment. */
    public static RedisBinary find(Map<String, String> env) {
        String named = env.get(ENV_VARIABLE);
        if (named != null && !named.isBlank()) {
            Path path = Paths.get(named);
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new IllegalStateException(ENV_VARIABLE + "=" + named + " is not an executable file");
            }
            return of(path, Source.ENVIRONMENT);
        }
        Path onPath = searchPath(env.get("PATH"));
        if (onPath != null) {
            return of(onPath, Source.PATH);
        }
        return of(BundledRedis.extract(env), Source.BUNDLED);
    }

    /** Wraps a binary at a known path, running it once to learn its version. */
    public static RedisBinary of(Path path, Source source) {
        return new RedisBinary(path.toAbsolutePath(), readVersion(path), Objects.requireNonNull(source));
    }

    /** Absolute path of the executable. */
    public Path path() {
        return path;
    }

    /** The version it reports, such as {@code "7.0.15"}. */
    public String version() {
        return version;
    }

    /** The major version, such as {@code 7}. */
    public int majorVersion() {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    /** Where it was found. */
    public Source source() {
        return source;
    }

    @Override
    public String toString() {
        return "redis-server " + version + " at " + path + " (" + source + ")";
    }

    private static Path searchPath(String pathVariable) {
        if (pathVariable == null || pathVariable.isBlank()) {
            return null;
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Paths.get(dir, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String readVersion(Path binary) {
        try {
            Process process = new ProcessBuilder(binary.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " --version did not finish");
            }
            Matcher matcher = VERSION.matcher(output);
            if (process.exitValue() != 0 || !matcher.find()) {
                throw new IllegalStateException(binary + " --version printed no version: " + output.trim());
            }
            return matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary + " --version", e);
        }
    }
}
