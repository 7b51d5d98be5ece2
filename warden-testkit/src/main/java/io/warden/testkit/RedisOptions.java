package io.warden.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Settings for a {@link RedisServer} parameter injected by {@link RedisExtension}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RedisOptions {

    /** AOF with {@code appendfsync always}; see {@link RedisServer.Builder#appendOnly(boolean)}. */
    boolean appendOnly() default false;
}
