package io.warden.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisBinaryTest {

    @TempDir
    Path temp;

    @Test
    void envVariableWinsOverPath() throws Exception {
        Path real = RedisBinary.find().path();
        Path pathDir = linkAsRedisServer(real, "bin");

        RedisBinary binary =
                RedisBinary.find(Map.of(RedisBinary.ENV_VARIABLE, real.toString(), "PATH", pathDir.toString()));

        assertThat(binary.source()).isEqualTo(RedisBinary.Source.ENVIRONMENT);
        assertThat(binary.path()).isEqualTo(real);
        assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void pathIsSearchedWhenNoEnvVariable() throws Exception {
        Path pathDir = linkAsRedisServer(RedisBinary.find().path(), "bin");

        RedisBinary binary = RedisBinary.find(Map.of("PATH", temp.resolve("missing") + ":" + pathDir));

        assertThat(binary.source()).isEqualTo(RedisBinary.Source.PATH);
        assertThat(binary.path()).isEqualTo(pathDir.resolve("redis-server"));
    }

    @Test
    void bundledBinaryIsExtractedOnceAndServesWhenNothingElseIsFound() throws Exception {
        Map<String, String> bare = Map.of("XDG_CACHE_HOME", temp.toString());

        RedisBinary binary = RedisBinary.find(bare);

        assertThat(binary.source()).isEqualTo(RedisBinary.Source.BUNDLED);
        assertThat(binary.path()).startsWith(temp.resolve("warden").resolve("redis"));
        assertThat(binary.version()).startsWith("6.2.");
        assertThat(binary.majorVersion()).isEqualTo(6);
        var extractedAt = Files.getLastModifiedTime(binary.path());
        assertThat(RedisBinary.find(bare).path()).isEqualTo(binary.path());
        assertThat(Files.getLastModifiedTime(binary.path())).isEqualTo(extractedAt);
        try (Stream<Path> files = Files.list(binary.path().getParent())) {
            assertThat(files).containsExactly(binary.path()); // no temp file left behind
        }

        try (RedisServer server = RedisServer.builder().binary(binary).start()) {
            assertThat(server.command("PING")).isEqualTo("PONG");
            assertThat(server.info("server").get("redis_version")).startsWith("6.2.");
            assertThat(server.version()).startsWith("6.2.");
        }
    }

    @Test
    void envVariableNamingNoExecutableFails() {
        Map<String, String> env =
                Map.of(RedisBinary.ENV_VARIABLE, temp.resolve("nope").toString());

        assertThatThrownBy(() -> RedisBinary.find(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(RedisBinary.ENV_VARIABLE);
    }

    @Test
    void bundledResourceIsChosenByOsAndArch() {
        assertThat(BundledRedis.resourceName("Linux", "amd64")).isEqualTo("redis-server-6.2.6-v5-linux-amd64");
        assertThat(BundledRedis.resourceName("Linux", "aarch64")).isEqualTo("redis-server-6.2.7-linux-arm64");
        assertThat(BundledRedis.resourceName("Mac OS X", "x86_64")).isEqualTo("redis-server-6.2.6-v5-darwin-amd64");
        assertThat(BundledRedis.resourceName("Mac OS X", "aarch64")).isEqualTo("redis-server-6.2.6-v5-darwin-arm64");
        assertThatThrownBy(() -> BundledRedis.resourceName("Windows 11", "amd64"))
                .isInstanceOf(IllegalStateException.class);
        for (String name : new String[] {
            "redis-server-6.2.6-v5-linux-amd64",
            "redis-server-6.2.7-linux-arm64",
            "redis-server-6.2.6-v5-darwin-amd64",
            "redis-server-6.2.6-v5-darwin-arm64"
        }) {
            assertThat(getClass().getClassLoader().getResource(name)).as(name).isNotNull();
        }
    }

    private Path linkAsRedisServer(Path target, String dirName) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(dirName));
        Files.createSymbolicLink(dir.resolve("redis-server"), target);
        return dir;
    }
}
