package io.warden.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method of a Spring bean under a Warden lock: the call waits up to {@link #waitFor}
 * for the lock, runs the method, and releases the lock (owner-checked) when it returns or throws.
 *
 * <pre>{@code
 * @WardenLocked(name = "invoice:#{#id}", waitFor = "5s")
 * public Invoice pay(long id) { ... }
 * }</pre>
 *
 * <p><b>Guarantees.</b> Calls through the bean's proxy whose names evaluate equal run one at a time
 * across every process on the same Redis and key prefix, within the limits of a lease (see {@link
 * io.warden.DistributedLock}). A call that does not get the lock within {@code waitFor} throws {@link
 * io.warden.LockTimeoutException} without running the method. The lock is re-entrant for the calling
 * thread. A bad expression, an unknown {@code #variable}, or a bad duration fails the application's
 * startup, naming the bean, the method and the attribute.
 *
 * <p><b>Not guaranteed.</b> Calls from the bean to itself ({@code this.pay(id)}) do not pass the
 * proxy and are not locked. The method is not stopped if its lease is lost while it runs (a paused
 * JVM, Redis unreachable past the lease): the release then throws {@link
 * io.warden.LeaseNotHeldException} after the method returned, so the caller learns of it; protect
 * writes with a fencing token where that matters. Spring's proxies only intercept public (and, with
 * class proxies, protected and package-private) non-final methods.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WardenLocked {

    /**
     * The lock's name: a template in which {@code #{...}} parts are SpEL expressions over the method's
     * arguments, by name ({@code #id}, which needs the class compiled with {@code -parameters}, as
     * Spring Boot's build plugins do) or by position ({@code #p0}, {@code #a0}); {@code #root.method}
     * and {@code #root.target} name the method and the bean. {@code ${...}} placeholders are resolved
     * at startup.
     */
    String name();

    /**
     * How long to wait for the lock: {@code 5s}, {@code 500ms}, {@code PT1M}, or a {@code ${...}}
     * placeholder. Empty: the Warden's default wait ({@code warden.wait-time}). {@code 0s} tries once.
     */
    String waitFor() default "";

    /**
     * A fixed lease: the lock frees after this long even if the method still runs, and the watchdog
     * does not renew it. Empty (default): the Warden's default lease, renewed by the watchdog while the
     * method runs. Needs an explicit {@link #waitFor}.
     */
    String lease() default "";
}
