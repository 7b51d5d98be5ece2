package io.warden.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warden.Lease;
import io.warden.LeaseNotHeldException;
import io.warden.LockTimeoutException;
import io.warden.TaskLock;
import io.warden.Warden;
import io.warden.testkit.Await;
import io.warden.testkit.RedisServer;
import io.warden.testkit.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * {@link WardenLocked} and {@link WardenTask} on two application contexts ("nodes") that share one
 * real Redis, each with its own Warden; and the startup checks of both annotations.
 */
@WithRedis
class WardenAnnotationsTest {
    /** Shared by both nodes' beans: in one JVM it sees every overlap between them. */
    static final class Overlap {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final AtomicInteger runs = new AtomicInteger();

        void enter() {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            runs.incrementAndGet();
        }

        void exit() {
            inside.decrementAndGet();
        }
    }

    static class Invoices {
        final Overlap overlap;
        final List<String> namesSeen = new ArrayList<>();
        Warden warden;

        Invoices(Overlap overlap) {
            this.overlap = overlap;
        }

        @WardenLocked(name = "invoice:#{#id}", waitFor = "20s")
        public void pay(long id, long workMillis) {
            overlap.enter();
            try {
                Await.sleep(workMillis);
            } finally {
                overlap.exit();
            }
        }

        @WardenLocked(name = "invoice:#{#id}", waitFor = "200ms")
        public void payImpatiently(long id) {}

        @WardenLocked(name = "short:#{#id}", waitFor = "1s", lease = "200ms")
        public String outliveTheLease(long id) {
            Await.sleep(700);
            return "done";
        }

        @WardenLocked(name = "fixed:#{#id}", waitFor = "1s", lease = "2s")
        public long ttlWhileRunning(long id, RedisServer redis) {
            return (Long) redis.command("PTTL", "warden:{fixed:" + id + "}");
        }

        @WardenLocked(name = "customer:#{#customer.toUpperCase()}:#{#p1}", waitFor = "1s")
        public boolean isLockedWhileRunning(String customer, int region, RedisServer redis) {
            return ((Long) redis.command("EXISTS", "warden:{customer:" + customer.toUpperCase() + ":" + region + "}"))
                    == 1L;
        }
    }

    static class Reports {
        final Overlap overlap;
        final AtomicInteger assertHeldFailures = new AtomicInteger();

        Reports(Overlap overlap) {
            this.overlap = overlap;
        }

        // Read through methods: the bean is a class proxy, whose own fields are empty.
        int assertHeldFailures() {
            return assertHeldFailures.get();
        }

        @WardenTask(name = "report", lockAtMostFor = "30s", lockAtLeastFor = "${report.at-least:300ms}")
        public int report() {
            overlap.enter();
            try {
                TaskLock.assertHeld();
                Await.sleep(200);
                return 1;
            } catch (IllegalStateException e) {
                assertHeldFailures.incrementAndGet();
                return 1;
            } finally {
                overlap.exit();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NodeBeans {
        @Bean
        Invoices invoices(Overlap overlap) {
            return new Invoices(overlap);
        }

        @Bean
        Reports reports(Overlap overlap) {
            return new Reports(overlap);
        }
    }

    private final RedisServer server;
    private final Overlap overlap = new Overlap();
    private final ApplicationContextRunner node;

    WardenAnnotationsTest(RedisServer server) {
        this.server = server;
        this.node = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WardenAutoConfiguration.class))
                .withPropertyValues("warden.uri=" + server.uri(), "warden.command-timeout=2s")
                .withBean(Overlap.class, () -> overlap)
                .withUserConfiguration(NodeBeans.class);
    }

    /** Runs {@code test} with two nodes up at once. */
    private void twoNodes(TwoNodes test) {
        node.run(a -> node.run(b -> {
            assertThat(a).hasNotFailed();
            assertThat(b).hasNotFailed();
            test.accept(a, b);
        }));
    }

    interface TwoNodes {
        void accept(AssertableApplicationContext a, AssertableApplicationContext b) throws Exception;
    }

    @Test
    void lockedCallsWithTheSameNameNeverOverlapAcrossNodesAndThreads() throws Exception {
        twoNodes((a, b) -> {
            List<Invoices> nodes = List.of(a.getBean(Invoices.class), b.getBean(Invoices.class));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    Invoices invoices = nodes.get(i % 2);
                    calls.add(pool.submit(() -> invoices.pay(7, 5)));
                }
                for (Future<?> call : calls) {
                    call.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(overlap.runs.get()).isEqualTo(30);
            assertThat(overlap.maxInside.get()).as("callers inside at once").isEqualTo(1);
        });
    }

    @Test
    void callsWithDifferentNamesRunAtTheSameTime() throws Exception {
        twoNodes((a, b) -> {
            Invoices onA = a.getBean(Invoices.class);
            Invoices onB = b.getBean(Invoices.class);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> first = pool.submit(() -> onA.pay(1, 1_000));
                Future<?> second = pool.submit(() -> onB.pay(2, 1_000));
                first.get(30, TimeUnit.SECONDS);
                second.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertThat(overlap.maxInside.get()).isEqualTo(2);
        });
    }

    @Test
    void theNameIsEvaluatedFromTheArgumentsByNameAndByPosition() {
        node.run(context -> {
            Invoices invoices = context.getBean(Invoices.class);
            assertThat(invoices.isLockedWhileRunning("acme", 3, server)).isTrue();
            assertThat(server.command("EXISTS", "warden:{customer:ACME:3}")).isEqualTo(0L);
        });
    }

    @Test
    void aFixedLeaseSetsTheKeysTtl() {
        node.run(context -> {
            long ttl = context.getBean(Invoices.class).ttlWhileRunning(5, server);
            // The default lease is 30 s; the annotation's fixed lease is 2 s.
            assertThat(ttl).isBetween(1L, 2_000L);
            assertThat(server.command("EXISTS", "warden:{fixed:5}")).isEqualTo(0L);
        });
    }

    @Test
    void aMethodThatOutlivesItsFixedLeaseEndsWithLeaseNotHeldException() {
        node.run(context -> assertThatThrownBy(
                        () -> context.getBean(Invoices.class).outliveTheLease(3))
                .isInstanceOf(LeaseNotHeldException.class)
                .hasMessageContaining("short:3"));
    }

    @Test
    void aCallThatCannotGetTheLockWithinItsWaitThrowsLockTimeoutException() {
        twoNodes((a, b) -> {
            try (Lease held = a.getBean(Warden.class).lock("invoice:9").acquire(Duration.ofSeconds(1))) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> b.getBean(Invoices.class).payImpatiently(9))
                        .isInstanceOf(LockTimeoutException.class)
                        .hasMessageContaining("invoice:9");
                assertThat(Await.millisSince(start)).isBetween(150L, 5_000L);
                assertThat(held.isHeld()).isTrue();
            }
        });
    }

    @Test
    void aTaskFiredOnBothNodesAtOnceRunsOnExactlyOneOfThem() throws Exception {
        twoNodes((a, b) -> {
            List<Reports> nodes = List.of(a.getBean(Reports.class), b.getBean(Reports.class));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int firing = 1; firing <= 3; firing++) {
                    CyclicBarrier together = new CyclicBarrier(2);
                    List<Future<Integer>> results = new ArrayList<>();
                    for (Reports reports : nodes) {
                        results.add(pool.submit(() -> {
                            together.await(10, TimeUnit.SECONDS);
                            return reports.report();
                        }));
                    }
                    int ran = 0;
                    for (Future<Integer> result : results) {
                        ran += result.get(30, TimeUnit.SECONDS);
                    }
                    // A skipped node returns the primitive's zero, a running one 1.
                    assertThat(ran).as("nodes that ran firing %d", firing).isEqualTo(1);
                    assertThat(overlap.runs.get()).isEqualTo(firing);
                    // lockAtLeastFor keeps the lock a little after the run; the next firing comes later.
                    Await.until(
                            "task lock free",
                            Duration.ofSeconds(10),
                            () -> server.command("EXISTS", "warden:{report}").equals(0L));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(overlap.maxInside.get()).isEqualTo(1);
            assertThat(nodes.get(0).assertHeldFailures() + nodes.get(1).assertHeldFailures())
                    .isZero();
        });
    }

    static class ScheduledReports {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger assertHeldFailures = new AtomicInteger();
        final CountDownLatch ranTwice = new CountDownLatch(2);

        boolean awaitTwoRuns() throws InterruptedException {
            return ranTwice.await(20, TimeUnit.SECONDS);
        }

        int assertHeldFailures() {
            return assertHeldFailures.get();
        }

        @Scheduled(fixedDelay = 50)
        @WardenTask(name = "scheduled-report", lockAtMostFor = "10s")
        public void report() {
            try {
                TaskLock.assertHeld();
            } catch (IllegalStateException e) {
                assertHeldFailures.incrementAndGet();
            }
            runs.incrementAndGet();
            ranTwice.countDown();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class SchedulingBeans {
        @Bean
        ScheduledReports scheduledReports() {
            return new ScheduledReports();
        }
    }

    /** Guards the order of post-processors: were the scheduler handed the bare bean, no lock is taken. */
    @Test
    void springsSchedulerCallsTheAnnotatedMethodThroughTheLock() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WardenAutoConfiguration.class))
                .withPropertyValues("warden.uri=" + server.uri())
                .withUserConfiguration(SchedulingBeans.class)
                .run(context -> {
                    ScheduledReports reports = context.getBean(ScheduledReports.class);
                    assertThat(reports.awaitTwoRuns()).isTrue();
                    assertThat(reports.assertHeldFailures()).isZero();
                });
    }

    // ---- startup checks ----

    static class UnknownVariable {
        @WardenLocked(name = "invoice:#{#invoiceId}")
        public void pay(long id) {}
    }

    static class BadSyntax {
        @WardenLocked(name = "invoice:#{#id +}")
        public void pay(long id) {}
    }

    static class BadWait {
        @WardenLocked(name = "invoice:#{#id}", waitFor = "5 parsecs")
        public void pay(long id) {}
    }

    static class LeaseWithoutWait {
        @WardenLocked(name = "invoice:#{#id}", lease = "10s")
        public void pay(long id) {}
    }

    static class BadTaskBounds {
        @WardenTask(name = "report", lockAtMostFor = "1m", lockAtLeastFor = "2m")
        public void report() {}
    }

    static class BadTaskDuration {
        @WardenTask(name = "report", lockAtMostFor = "0s")
        public void report() {}
    }

    @Test
    void anUnknownVariableInTheNameFailsStartupNamingBeanMethodAndAttribute() {
        assertStartupFails(
                UnknownVariable.class, "'broken'", "UnknownVariable.pay(long)", "'name'", "#invoiceId", "#id");
    }

    @Test
    void aNameThatDoesNotParseFailsStartup() {
        assertStartupFails(BadSyntax.class, "'broken'", "BadSyntax.pay(long)", "'name'", "not a valid expression");
    }

    @Test
    void aBadDurationFailsStartupNamingTheAttribute() {
        assertStartupFails(BadWait.class, "'broken'", "BadWait.pay(long)", "'waitFor'", "5 parsecs");
        assertStartupFails(LeaseWithoutWait.class, "'broken'", "'waitFor'", "must be set when lease is");
        assertStartupFails(BadTaskBounds.class, "'broken'", "BadTaskBounds.report()", "'lockAtLeastFor'");
        assertStartupFails(BadTaskDuration.class, "'broken'", "'lockAtMostFor'");
    }

    private void assertStartupFails(Class<?> beanType, String... fragments) {
        ContextConsumer<AssertableApplicationContext> check = context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append(" | ");
            }
            assertThat(messages.toString()).contains(fragments);
        };
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WardenAutoConfiguration.class))
                .withPropertyValues("warden.uri=" + server.uri())
                .withBean("broken", beanType)
                .run(check);
    }
}
