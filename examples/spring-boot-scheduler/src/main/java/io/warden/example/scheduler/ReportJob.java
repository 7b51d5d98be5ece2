package io.warden.example.scheduler;

import io.warden.spring.boot.WardenTask;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Fires every two seconds on every instance (cron runs on the wall clock, so all instances fire
 * together); {@link WardenTask} lets one of them run it and makes the others skip. {@code
 * lockAtLeastFor} keeps the lock for three quarters of the period, so an instance whose scheduler
 * fires up to 1.5 s late still skips, and the next firing finds the lock free again.
 */
@Component
public class ReportJob {
    private static final Logger log = LoggerFactory.getLogger(ReportJob.class);

    private final List<Instant> runs = new CopyOnWriteArrayList<>();

    @Scheduled(cron = "${report.cron:*/2 * * * * *}")
    @WardenTask(name = "report", lockAtMostFor = "30s", lockAtLeastFor = "${report.lock-at-least-for:1500ms}")
    public void report() {
        Instant firing = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        runs.add(firing);
        log.info("report for {} runs here", firing);
    }

    /** The firings (each truncated to its second) that this instance ran. */
    public List<Instant> runs() {
        return List.copyOf(runs);
    }
}
