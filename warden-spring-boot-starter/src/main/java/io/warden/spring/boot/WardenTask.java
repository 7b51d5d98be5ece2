package io.warden.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (typically {@code @Scheduled}) on one node at a time and skips it on
 * the others, through {@link io.warden.TaskLock#runIfFree}: a node that finds the task's lock held
 * returns at once without running the method (returning {@code null}, or zero/false for a primitive
 * return type) and logs the skip at debug level.
 *
 * <pre>{@code
 * @Scheduled(cron = "0 0 2 * * *")
 * @WardenTask(name = "nightly-report", lockAtMostFor = "10m", lockAtLeastFor = "30s")
 * public void nightlyReport() { ... }
 * }</pre>
 *
 * <p><b>Guarantees.</b> Those of {@link io.warden.TaskLock}: while the method runs, the watchdog
 * keeps the lock, but never past {@code lockAtMostFor} from the start, when the lease is lost, the
 * method's thread is interrupted (by default) and the call ends with {@link
 * io.warden.LeaseLostException}; after it, the lock stays taken until {@code lockAtLeastFor} has
 * passed since the start, so nodes whose schedule fires a little later skip. Inside the method,
 * {@link io.warden.TaskLock#assertHeld()} passes. A bad duration fails startup, naming the bean, the
 * method and the attribute.
 *
 * <p><b>Not guaranteed.</b> "Once per firing" holds only when every node fires within {@code
 * lockAtLeastFor} of the first: keep it a little shorter than the schedule's period and longer than
 * the nodes' clock skew. Calls from the bean to itself are not intercepted. A node that could not ask
 * Redis does not run the method and the call throws {@link io.warden.RedisUnavailableException}
 * (Spring's scheduler logs it and fires again next time).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WardenTask {

    /** The task lock's name; {@code ${...}} placeholders are resolved at startup. */
    String name();

    /**
     * Upper bound on how long one run holds the lock, even if the node hangs or dies: {@code 10m},
     * {@code PT10M}, or a placeholder. Empty: the task lock's default (30 minutes).
     */
    String lockAtMostFor() default "";

    /** Minimum hold from the start of a run, even if the method finishes sooner. Empty: zero. */
    String lockAtLeastFor() default "";
}
