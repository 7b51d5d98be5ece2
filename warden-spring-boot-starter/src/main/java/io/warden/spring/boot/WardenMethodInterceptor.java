package io.warden.spring.boot;

import io.warden.CriticalSection;
import io.warden.DistributedLock;
import io.warden.Lease;
import io.warden.LeaseOptions;
import io.warden.TaskLock;
import io.warden.TaskResult;
import io.warden.Warden;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.BeanResolver;

/**
 * Runs {@link WardenLocked} and {@link WardenTask} methods: the advice behind the proxies that {@link
 * WardenAnnotationPostProcessor} creates. Reads the checked annotation of each method from the table
 * the post-processor filled when the bean was created; looks the {@link Warden} up on first use, so
 * beans with annotated methods do not force it to be created early.
 */
final class WardenMethodInterceptor implements MethodInterceptor {
    private static final Logger log = LoggerFactory.getLogger(WardenMethodInterceptor.class);

    private final Supplier<Warden> warden;
    private final @Nullable BeanResolver beans;
    private final Map<Method, AnnotatedMethods.Locked> locked = new ConcurrentHashMap<>();
    private final Map<Method, AnnotatedMethods.Task> tasks = new ConcurrentHashMap<>();

    WardenMethodInterceptor(Supplier<Warden> warden, @Nullable BeanResolver beans) {
        this.warden = warden;
        this.beans = beans;
    }

    void register(Method method, AnnotatedMethods.Locked spec) {
        locked.put(method, spec);
    }

    void register(Method method, AnnotatedMethods.Task spec) {
        tasks.put(method, spec);
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Method method = target == null
                ? invocation.getMethod()
                : AopUtils.getMostSpecificMethod(invocation.getMethod(), target.getClass());
        AnnotatedMethods.Locked lockedSpec = locked.get(method);
        if (lockedSpec != null) {
            return runLocked(invocation, method, lockedSpec);
        }
        AnnotatedMethods.Task taskSpec = tasks.get(method);
        if (taskSpec != null) {
            return runTask(invocation, method, taskSpec);
        }
        return invocation.proceed();
    }

    private @Nullable Object runLocked(MethodInvocation invocation, Method method, AnnotatedMethods.Locked spec)
            throws Throwable {
        DistributedLock lock = warden.get().lock(lockName(invocation, method, spec));
        Lease lease;
        if (spec.lease() != null && spec.waitFor() != null) {
            lease = lock.acquire(spec.waitFor(), LeaseOptions.leaseTime(spec.lease()));
        } else if (spec.waitFor() != null) {
            lease = lock.acquire(spec.waitFor());
        } else {
            lease = lock.acquire();
        }
        Object result;
        try {
            result = invocation.proceed();
        } catch (Throwable t) {
            try {
                lease.release();
            } catch (RuntimeException releaseFailure) {
                t.addSuppressed(releaseFailure);
            }
            throw t;
        }
        lease.release();
        return result;
    }

    private String lockName(MethodInvocation invocation, Method method, AnnotatedMethods.Locked spec) {
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
                new Root(invocation.getThis(), method),
                method,
                invocation.getArguments(),
                AnnotatedMethods.PARAMETER_NAMES);
        if (beans != null) {
            context.setBeanResolver(beans);
        }
        String name = spec.name().getValue(context, String.class);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("@WardenLocked on " + method + ": name '"
                    + spec.name().getExpressionString() + "' evaluated to a blank lock name");
        }
        return name;
    }

    private @Nullable Object runTask(MethodInvocation invocation, Method method, AnnotatedMethods.Task spec)
            throws Exception {
        TaskLock task = warden.get().task(spec.name()).logLevel(Level.DEBUG);
        if (spec.lockAtMostFor() != null) {
            task = task.lockAtMostFor(spec.lockAtMostFor());
        }
        if (spec.lockAtLeastFor() != null) {
            task = task.lockAtLeastFor(spec.lockAtLeastFor());
        }
        CriticalSection<@Nullable Object, Exception> call = () -> proceed(invocation);
        TaskResult<@Nullable Object> result = task.runIfFree(call);
        if (!result.executed()) {
            log.debug(
                    "skipped {}: task lock '{}' held by {}",
                    method.getName(),
                    spec.name(),
                    result.holder().map(Object::toString).orElse("another node"));
            return emptyValue(method.getReturnType());
        }
        return result.value().orElse(null);
    }

    private static @Nullable Object proceed(MethodInvocation invocation) throws Exception {
        try {
            return invocation.proceed();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    /** What a skipped method returns: null, or a primitive's zero (a proxy cannot return null for it). */
    private static @Nullable Object emptyValue(Class<?> type) {
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        return 0;
    }

    /** The root object of a name expression: {@code #root.target} and {@code #root.method}. */
    record Root(@Nullable Object target, Method method) {}
}
