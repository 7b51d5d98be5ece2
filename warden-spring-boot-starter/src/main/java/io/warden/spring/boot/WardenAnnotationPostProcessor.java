package io.warden.spring.boot;

import io.warden.Warden;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every {@link WardenLocked} and {@link WardenTask} method of a bean when the bean is created
 * (a bad name expression or duration fails the context's refresh), then wraps the bean in a proxy
 * that runs those methods through {@link WardenMethodInterceptor}. Plain Spring AOP: no AspectJ
 * weaving, no auto-proxy creator needed; a bean that is already a proxy gets the advice added.
 *
 * <p>Ordered before Spring's {@code @Scheduled} post-processor, so the scheduler calls the proxy.
 */
final class WardenAnnotationPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {
    private static final long serialVersionUID = 1L;
    private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(WardenLocked.class, WardenTask.class);

    private transient AnnotatedMethods reader = new AnnotatedMethods(value -> value);
    private transient WardenMethodInterceptor interceptor = new WardenMethodInterceptor(
            () -> {
                throw new IllegalStateException("no bean factory");
            },
            null);

    WardenAnnotationPostProcessor() {
        setOrder(Ordered.LOWEST_PRECEDENCE - 100);
        // Class proxies, as Spring Boot makes by default: a bean stays injectable by its class.
        setProxyTargetClass(true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        if (beanFactory instanceof ConfigurableBeanFactory configurable) {
            reader = new AnnotatedMethods(configurable::resolveEmbeddedValue);
        }
        interceptor = new WardenMethodInterceptor(
                () -> beanFactory.getBean(Warden.class), new BeanFactoryResolver(beanFactory));
        ComposablePointcut pointcut = new ComposablePointcut(
                        new AnnotationMatchingPointcut(null, WardenLocked.class, true))
                .union(new AnnotationMatchingPointcut(null, WardenTask.class, true));
        this.advisor = new DefaultPointcutAdvisor(pointcut, interceptor);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
        // Skips, without reflection, classes that cannot carry the annotations (java.*, Spring's own).
        if (AnnotationUtils.isCandidateClass(type, ANNOTATIONS)) {
            ReflectionUtils.doWithMethods(type, method -> check(beanName, method), method -> !method.isBridge());
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private void check(String beanName, Method method) {
        WardenLocked locked = AnnotatedElementUtils.findMergedAnnotation(method, WardenLocked.class);
        WardenTask task = AnnotatedElementUtils.findMergedAnnotation(method, WardenTask.class);
        if (locked != null && task != null) {
            throw new IllegalStateException("bean '" + beanName + "', method " + method.getName()
                    + ": @WardenLocked and @WardenTask exclude each other");
        }
        if (locked != null) {
            interceptor.register(method, reader.locked(beanName, method, locked));
        }
        if (task != null) {
            interceptor.register(method, reader.task(beanName, method, task));
        }
    }
}
