import io.warden.testkit.RedisServer;
import io.warden.testkit.RespClient;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Checks the harness before blaming a peer (issue 20): does Redisson's renewal traffic in S5 depend on
 * the acquire + release pairs its client made shortly before it holds many leases? Not part of the
 * harness; run it by hand from the repository root, one JVM per case:
 *
 * <pre>
 * java -cp warden-bench/target/warden-bench.jar warden-bench/experiments/RedissonTimerChains.java \
 *     WARMUP_PAIRS PAUSE_MS LEASES HOLD_S
 * </pre>
 *
 * It starts its own redis-server, makes WARMUP_PAIRS lock + unlock pairs on names of their own, waits
 * PAUSE_MS, takes LEASES locks with the watchdog (lockWatchdogTimeout 3 s, as S5), holds them HOLD_S
 * seconds and prints script calls per second (renewal requests), Redis commands per second, this JVM's
 * CPU and how many lease keys are missing at the end.
 */
public class RedissonTimerChains {
    public static void main(String[] args) throws Exception {
        int warmupPairs = Integer.parseInt(args[0]);
        long pauseMillis = Long.parseLong(args[1]);
        int leases = Integer.parseInt(args[2]);
        int holdSeconds = Integer.parseInt(args[3]);
        try (RedisServer server = RedisServer.start()) {
            Config config = new Config();
            config.useSingleServer().setAddress(server.uri());
            config.setLockWatchdogTimeout(3_000);
            RedissonClient redisson = Redisson.create(config);
            for (int i = 0; i < warmupPairs; i++) {
                RLock lock = redisson.getLock("warmup:" + i);
                lock.lock();
                lock.unlock();
            }
            Thread.sleep(pauseMillis);
            List<RLock> held = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < leases; i++) {
                RLock lock = redisson.getLock("lease:" + i);
                lock.lock();
                held.add(lock);
            }
            double acquireSeconds = (System.nanoTime() - t0) / 1e9;
            long[] before = counts(server);
            long cpuBefore = cpuNanos();
            long start = System.nanoTime();
            Thread.sleep(holdSeconds * 1000L);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = cpuNanos() - cpuBefore;
            long[] after = counts(server);
            long missing = 0;
            for (int i = 0; i < leases; i++) {
                if ((Long) RespClient.call(server.host(), server.port(), Duration.ofSeconds(5), "EXISTS", "lease:" + i)
                        == 0) {
                    missing++;
                }
            }
            System.out.printf(
                    "warmupPairs=%d pauseMs=%d leases=%d acquire_all_s=%.1f script_calls_per_s=%.0f"
                            + " redis_cmds_per_s=%.0f client_cpu_ms_per_s=%.0f keys_missing=%d held=%d%n",
                    warmupPairs,
                    pauseMillis,
                    leases,
                    acquireSeconds,
                    (after[0] - before[0]) / seconds,
                    (after[1] - before[1]) / seconds,
                    cpu / 1e6 / seconds,
                    missing,
                    held.size());
            System.exit(0);
        }
    }

    /** EVAL + EVALSHA calls, and all calls, from INFO commandstats. */
    private static long[] counts(RedisServer server) {
        long scripts = 0;
        long all = 0;
        for (var entry : server.info("commandstats").entrySet()) {
            String stats = entry.getValue();
            int from = stats.indexOf("calls=") + "calls=".length();
            long calls = Long.parseLong(stats.substring(from, stats.indexOf(',', from)));
            if (entry.getKey().equals("cmdstat_info")) {
                continue;
            }
            all += calls;
            if (entry.getKey().startsWith("cmdstat_eval")) {
                scripts += calls;
            }
        }
        return new long[] {scripts, all};
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
