package io.warden.spring.boot;

import io.warden.Warden;
import java.lang.reflect.Method;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
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
        Class<?> type = ClassUtils.getUserClass(org.springframework.aop.support.AopUtils.getTargetClass(bean));
        ReflectionUtils.doWithMethods(type, method -> check(beanName, method));
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
