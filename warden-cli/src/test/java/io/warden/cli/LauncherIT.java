package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/warden itself: where it finds java, what it says when the jar was not built, installing it,
 * and its class-data sharing archive.
 */
@Timeout(60)
class LauncherIT {
    private static final Path LAUNCHER = Paths.get(System.getProperty("warden.cli.launcher", "../bin/warden"));

    @Test
    void withoutTheJarItSaysHowToBuildItAndExits2(@TempDir Path checkout) throws Exception {
        Path script = copyLauncherInto(checkout);

        Result result = run(List.of(script.toString(), "--help"), null);

        assertThat(result.code).isEqualTo(2);
        assertThat(result.stderr)
                .contains("warden-cli/target/warden.jar not found")
                .contains("./mvnw -q -pl warden-cli -am package -DskipTests");
    }

    @Test
    void itRunsJavaFromJavaHomeWithTheJarAndEveryArgument(@TempDir Path dir) throws Exception {
        Path fakeJava = dir.resolve("jdk/bin/java");
        Files.createDirectories(fakeJava.getParent());
        Files.writeString(fakeJava, "#!/bin/sh\necho \"fake java: $*\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        Result result = run(List.of(LAUNCHER.toString(), "exec", "a b", "--", "true"), dir.resolve("jdk"));

        assertThat(result.code).isZero();
        assertThat(result.stdout).startsWith("fake java: ").contains("-jar ").endsWith("warden.jar exec a b -- true\n");
    }

    @Test
    void itWorksThroughSymlinksFromOtherDirectoriesAbsoluteOrRelative(@TempDir Path dir) throws Exception {
        Path absolute = dir.resolve("usr/local/bin/warden");
        Files.createDirectories(absolute.getParent());
        Files.createSymbolicLink(absolute, LAUNCHER.toAbsolutePath());
        Path relative = dir.resolve("home/me/bin/w");
        Files.createDirectories(relative.getParent());
        Files.createSymbolicLink(relative, relative.getParent().relativize(absolute));

        for (Path link : List.of(absolute, relative)) {
            Result result = run(List.of(link.toString(), "--version"), null);

            assertThat(result.code).as("%s: %s", link, result.stderr).isZero();
            assertThat(result.stdout).startsWith("warden ");
        }
    }

    @Test
    void installWardenPutsALauncherAndTheJarUnderThePrefixThatWorkWithoutTheCheckout(@TempDir Path prefix)
            throws Exception {
        Path installer = LAUNCHER.resolveSibling("install-warden");

        Result install = run(List.of(installer.toString(), prefix.toString()), null);

        assertThat(install.code).as(install.stderr).isZero();
        assertThat(prefix.resolve("lib/warden/warden.jar")).isRegularFile();
        Path installed = prefix.resolve("bin/warden");
        assertThat(Files.isExecutable(installed)).isTrue();
        Result version = run(List.of(installed.toString(), "--version"), null);
        assertThat(version.code).as(version.stderr).isZero();
        assertThat(version.stdout).startsWith("warden ");
        // The installer makes the class-data sharing archive for the installed jar's path: with
        // -Xshare:on the JVM refuses to start unless it maps it.
        assertThat(prefix.resolve("lib/warden/warden.jsa")).isRegularFile();
        Result shared = run(List.of(installed.toString(), "--version"), null, Map.of("WARDEN_JAVA_OPTS", "-Xshare:on"));
        assertThat(shared.code).as(shared.stderr).isZero();
    }

    @Test
    void theCheckoutLauncherMapsTheClassDataSharingArchiveTheBuildMade() throws Exception {
        Path archive = LAUNCHER.resolveSibling("../warden-cli/target/warden.jsa");
        assertThat(archive)
                .as("made by the build's training run (warden-cli/pom.xml)")
                .isRegularFile();

        Result shared = run(List.of(LAUNCHER.toString(), "--version"), null, Map.of("WARDEN_JAVA_OPTS", "-Xshare:on"));

        assertThat(shared.code).as(shared.stderr).isZero();
        assertThat(shared.stderr).isEmpty();
    }

    @Test
    void anArchiveMadeForAnotherJarIsIgnoredWithoutAWordOnStderr(@TempDir Path checkout) throws Exception {
        Path script = copyLauncherInto(checkout);
        Path target = Files.createDirectories(checkout.resolve("warden-cli/target"));
        Path built = LAUNCHER.resolveSibling("../warden-cli/target");
        // Another path (and a new modification time) than the jar the archive was made from.
        Files.copy(built.resolve("warden.jar"), target.resolve("warden.jar"));
        Files.copy(built.resolve("warden.jsa"), target.resolve("warden.jsa"));

        Result result = run(List.of(script.toString(), "--version"), null);

        assertThat(result.code).as(result.stderr).isZero();
        assertThat(result.stdout).startsWith("warden ");
        assertThat(result.stderr).isEmpty();
    }

    private static Path copyLauncherInto(Path checkout) throws IOException {
        Path script = checkout.resolve("bin/warden");
        Files.createDirectories(script.getParent());
        Files.copy(LAUNCHER, script);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private record Result(int code, String stdout, String stderr) {}

    private static Result run(List<String> command, Path javaHome) throws Exception {
        return run(command, javaHome, Map.of());
    }

    private static Result run(List<String> command, Path javaHome, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (javaHome != null) {
            builder.environment().put("JAVA_HOME", javaHome.toString());
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/warden did not finish");
        }
        return new Result(
                process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
