package io.warden.example.scheduler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A service that several instances run side by side: a report job that must run once per firing
 * across all of them ({@link ReportJob}), and a payment endpoint that must never run twice at once
 * for the same invoice ({@link InvoiceController}). Needs one property: {@code warden.uri} (or
 * Spring Data Redis's {@code spring.data.redis.*}).
 */
@SpringBootApplication
@EnableScheduling
public class SchedulerApplication {
    public static void main(String[] args) {
        SpringApplication.run(SchedulerApplication.class, args);
    }
}
