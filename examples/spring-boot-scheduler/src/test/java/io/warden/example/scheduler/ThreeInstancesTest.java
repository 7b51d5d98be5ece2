package io.warden.example.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Three instances of the example application, each a separate Spring context with its own web
 * server on a random port and its own Warden, against one real Redis: every firing of the report
 * job runs on exactly one instance, payments of one invoice never overlap whichever instance serves
 * them, each instance's {@code /actuator/health} reports Warden UP, its {@code /actuator/metrics}
 * counts the acquisitions it made, and force-unlock over HTTP answers only on the instance whose
 * endpoint access was raised.
 */
@WithRedis
class ThreeInstancesTest {
    private final RedisServer redis;
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ThreeInstancesTest(RedisServer redis) {
        this.redis = redis;
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext start(String name, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=" + name,
                "--server.port=0",
                "--warden.uri=" + redis.uri(),
                "--logging.level.root=WARN"));
        args.addAll(List.of(more));
        ConfigurableApplicationContext context =
                SpringApplication.run(SchedulerApplication.class, args.toArray(String[]::new));
        instances.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static HttpRequest post(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    @Test
    void eachFiringRunsOnOneInstancePaymentsSerialiseAndHealthIsUp() throws Exception {
        start("node-a");
        start("node-b");
        // Only this one lets operators force-unlock over HTTP.
        start("node-c", "--management.endpoint.wardenlocks.access=unrestricted");
        Instant allUp = Instant.now();

        // Health first: it needs no waiting.
        for (ConfigurableApplicationContext instance : instances) {
            HttpResponse<String> health = send(get(port(instance), "/actuator/health/warden"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            // The whole application's health includes Warden's component, and is UP (its last field).
            assertThat(send(get(port(instance), "/actuator/health")).body())
                    .contains("\"warden\":{")
                    .endsWith("\"status\":\"UP\"}");
        }

        // Payments of invoice 42, two through each instance at once: they must run one after another.
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int port = port(instances.get(i % 3));
            calls.add(http.sendAsync(post(port, "/invoices/42/pay"), HttpResponse.BodyHandlers.ofString()));
        }
        List<long[]> payments = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            payments.add(new long[] {number(response.body(), "startNanos"), number(response.body(), "endNanos")});
        }
        payments.sort(Comparator.comparingLong(p -> p[0]));
        for (int i = 1; i < payments.size(); i++) {
            assertThat(payments.get(i)[0])
                    .as("payment %d starts after payment %d ended", i, i - 1)
                    .isGreaterThanOrEqualTo(payments.get(i - 1)[1]);
        }

        // Each instance served two payments, so it acquired invoice:42 at least twice; its metrics say
        // so with no code in the application (recording is asynchronous, hence the polling).
        int b = port(instances.get(1));
        Await.until(
                "warden.lock.acquire counted in /actuator/metrics",
                Duration.ofSeconds(10),
                () -> acquisitionsCounted(b) >= 2);

        // The wardenlocks endpoint is read-only unless its access is raised: no force-unlock over HTTP.
        int a = port(instances.get(0));
        assertThat(send(get(a, "/actuator/wardenlocks")).body()).contains("\"locks\"");
        assertThat(send(post(a, "/actuator/wardenlocks/report")).statusCode()).isGreaterThanOrEqualTo(400);
        HttpResponse<String> unlock = send(post(port(instances.get(2)), "/actuator/wardenlocks/invoice:7"));
        assertThat(unlock.statusCode()).isEqualTo(200);
        assertThat(unlock.body()).contains("\"removed\":false");

        // The report job fires every 2 s on all three; wait for five firings after all were up.
        Await.until(
                "five report firings",
                Duration.ofSeconds(30),
                () -> firingsSince(allUp).size() >= 5);
        Map<Instant, List<String>> firings = firingsSince(allUp);
        firings.forEach((second, ranOn) -> assertThat(ranOn)
                .as("instances that ran the firing of %s", second)
                .hasSize(1));
    }

    /** The COUNT of {@code warden.lock.acquire} with outcome acquired, from the instance's metrics endpoint. */
    private double acquisitionsCounted(int port) {
        HttpResponse<String> metric;
        try {
            metric = send(get(port, "/actuator/metrics/warden.lock.acquire?tag=outcome:acquired"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(metric.statusCode()).as(metric.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\\{\"statistic\":\"COUNT\",\"value\":([0-9.]+)}")
                .matcher(metric.body());
        assertThat(m.find()).as("COUNT in %s", metric.body()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Each firing (by its second) after {@code since}, with the instances that ran it. */
    private Map<Instant, List<String>> firingsSince(Instant since) {
        Function<ConfigurableApplicationContext, String> name =
                c -> c.getEnvironment().getProperty("spring.application.name");
        return instances.stream()
                .flatMap(c -> c.getBean(ReportJob.class).runs().stream()
                        .filter(run -> run.isAfter(since))
                        .map(run -> Map.entry(run, name.apply(c))))
                .collect(Collectors.groupingBy(
                        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", field, json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
