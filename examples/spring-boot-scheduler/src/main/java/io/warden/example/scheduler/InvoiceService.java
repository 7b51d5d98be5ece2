package io.warden.example.scheduler;

import io.warden.spring.boot.WardenLocked;
import org.springframework.stereotype.Service;

/** Pays an invoice under a lock named after it: payments of one invoice run one at a time, cluster-wide. */
@Service
public class InvoiceService {

    /** One payment as this instance saw it, in {@link System#nanoTime()} of this JVM. */
    public record Payment(long invoice, String instance, long startNanos, long endNanos) {}

    private final String instance;

    public InvoiceService(org.springframework.core.env.Environment environment) {
        this.instance = environment.getProperty("spring.application.name", "instance");
    }

    @WardenLocked(name = "invoice:#{#id}", waitFor = "20s")
    public Payment pay(long id) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(100); // the payment provider's round trip
        return new Payment(id, instance, start, System.nanoTime());
    }
}
