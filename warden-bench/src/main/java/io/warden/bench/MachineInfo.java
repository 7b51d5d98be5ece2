package io.warden.bench;

import io.warden.testkit.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/** What the figures were measured on. */
record MachineInfo(
        String cpu,
        int cores,
        long memoryBytes,
        String os,
        String jdk,
        String redis,
        Properties versions,
        String loadAtStart) {

    static MachineInfo describe(RedisServer redis) {
        return describe(redis.version());
    }

    static MachineInfo describe(String redisVersion) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new MachineInfo(
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                os.getTotalMemorySize(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                redisVersion,
                libraryVersions(),
                loadAverage());
    }

    String memory() {
        return String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024));
    }

    /** The 1, 5 and 15 minute load averages: other work on the machine shows here. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Library versions, written into the jar by the build. */
    private static Properties libraryVersions() {
        Properties properties = new Properties();
        try (InputStream in = MachineInfo.class.getResourceAsStream("/io/warden/bench/versions.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // versions are informative only
        }
        return properties;
    }
}
