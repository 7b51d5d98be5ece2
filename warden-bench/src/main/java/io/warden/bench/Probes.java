package io.warden.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;

/** Readings taken before and after a measured window: Redis counters and this process's costs. */
final class Probes {
    private Probes() {}

    /**
     * Commands the harness itself sends, left out of the counts. (S5's EXISTS check runs after its
     * last reading, so EXISTS, which Redisson's scripts use, is counted.)
     */
    private static final Set<String> HARNESS_COMMANDS = Set.of(
            "cmdstat_info",
            "cmdstat_flushall",
            "cmdstat_echo",
            "cmdstat_monitor",
            "cmdstat_dbsize",
            "cmdstat_config|resetstat",
            "cmdstat_script|load");

    /**
     * Redis's own counters. {@code commands} counts every command executed, including those a script
     * calls; {@code scriptCalls} counts EVAL, EVALSHA and FCALL, which only clients can send.
     */
    record RedisSample(long commands, long scriptCalls, double cpuSeconds) {
        RedisSample minus(RedisSample before) {
            return new RedisSample(
                    commands - before.commands, scriptCalls - before.scriptCalls, cpuSeconds - before.cpuSeconds);
        }
    }

    static RedisSample redis(RedisAddress server) {
        Map<String, String> stats = server.info("commandstats");
        long commands = 0;
        long scripts = 0;
        for (Map.Entry<String, String> entry : stats.entrySet()) {
            if (HARNESS_COMMANDS.contains(entry.getKey())) {
                continue;
            }
            long calls = calls(entry.getValue());
            commands += calls;
            String name = entry.getKey();
            if (name.startsWith("cmdstat_eval") || name.startsWith("cmdstat_fcall")) {
                scripts += calls;
            }
        }
        Map<String, String> cpu = server.info("cpu");
        double cpuSeconds = Double.parseDouble(cpu.get("used_cpu_sys")) + Double.parseDouble(cpu.get("used_cpu_user"));
        return new RedisSample(commands, scripts, cpuSeconds);
    }

    private static long calls(String stats) {
        for (String field : stats.split(",")) {
            if (field.startsWith("calls=")) {
                return Long.parseLong(field.substring("calls=".length()));
            }
        }
        return 0;
    }

    /** CPU time used by this whole JVM so far, in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time used so far by this JVM's JIT compiler threads, in nanoseconds, read from
     * {@code /proc/self/task} (0 where that does not exist). Compiling is a one-time cost that a
     * long-running client stops paying; over a 10 s window it varied from 16 to 52 ms/s between
     * identical S5 runs, more than the watchdog's own cost.
     */
    static long jitCpuNanos() {
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return 0;
        }
        long ticks = 0;
        try (java.util.stream.Stream<java.nio.file.Path> threads = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path thread : (Iterable<java.nio.file.Path>) threads::iterator) {
                ticks += compilerTicks(thread);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every common kernel. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private static long compilerTicks(java.nio.file.Path thread) {
        try {
            String name = java.nio.file.Files.readString(thread.resolve("comm")).strip();
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String stat = java.nio.file.Files.readString(thread.resolve("stat"));
            // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // the thread ended meanwhile
        }
    }

    /** Heap in use after a few full collections, in bytes. */
    static long settledHeapBytes() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static int threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
