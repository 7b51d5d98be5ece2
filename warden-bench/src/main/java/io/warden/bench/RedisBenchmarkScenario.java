package io.warden.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical reference: {@code redis-benchmark} against the same server, SET and an EVALSHA of a
 * tiny compare-and-delete script, with one connection ({@code -c 1}) and sixteen ({@code -c 16}), no
 * pipelining. A lock pair needs two such requests, so half the request rate bounds pairs/s. Skipped
 * when {@code redis-benchmark} is not on the PATH.
 */
final class RedisBenchmarkScenario implements Scenario {
    static final String ID = "RB";
    private static final String COMPARE_AND_DELETE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    private static final Pattern RATE = Pattern.compile("([0-9.]+) requests per second(?:, p50=([0-9.]+) msec)?");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "redis-benchmark reference: SET and EVALSHA compare-and-delete, -P 1, -c 1 and -c 16";
    }

    @Override
    public List<Library> libraries() {
        return List.of(Library.REDIS_BENCHMARK);
    }

    @Override
    public List<RunResult> run(Bench bench, Library library, int round) throws Exception {
        String binary = findOnPath("redis-benchmark");
        if (binary == null) {
            Bench.log("redis-benchmark not on the PATH: reference skipped");
            return List.of();
        }
        bench.reset();
        String sha = (String) bench.redis().command("SCRIPT", "LOAD", COMPARE_AND_DELETE);
        RunResult result = new RunResult(ID, Library.REDIS_BENCHMARK, round);
        for (int clients : new int[] {1, 16}) {
            double[] set = measure(bench, binary, clients, List.of("-t", "set"));
            double[] eval = measure(bench, binary, clients, List.of("evalsha", sha, "1", "lock:__rand_int__", "token"));
            result.put("set_c" + clients + "_rps", set[0])
                    .put("set_c" + clients + "_p50_us", set[1])
                    .put("evalsha_c" + clients + "_rps", eval[0])
                    .put("evalsha_c" + clients + "_p50_us", eval[1]);
        }
        return List.of(result);
    }

    /** Requests per second and p50 in µs. */
    private static double[] measure(Bench bench, String binary, int clients, List<String> workload)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                binary,
                "-h",
                bench.redis().host(),
                "-p",
                Integer.toString(bench.redis().port()),
                "-n",
                Integer.toString(bench.mode().benchmarkRequests()),
                "-c",
                Integer.toString(clients),
                "-P",
                "1",
                "-r",
                "1000",
                "-q"));
        command.addAll(workload);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-benchmark failed: " + output);
        }
        Matcher matcher = RATE.matcher(output);
        double rps = Double.NaN;
        double p50 = Double.NaN;
        while (matcher.find()) {
            rps = Double.parseDouble(matcher.group(1));
            p50 = matcher.group(2) == null ? Double.NaN : Double.parseDouble(matcher.group(2)) * 1000;
        }
        if (Double.isNaN(rps)) {
            throw new IllegalStateException("cannot read redis-benchmark output: " + output);
        }
        return new double[] {rps, p50};
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
