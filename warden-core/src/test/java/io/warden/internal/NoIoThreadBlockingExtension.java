package io.warden.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test of this module (service loader + autodetection): fails a test during
 * which any blocking Warden call was attempted on a Lettuce/Netty I/O thread. Such a call stalls
 * every command of its client for the command timeout, and it usually happens in a reply callback
 * where the refusal itself is swallowed, so the count is the only reliable witness.
 */
public final class NoIoThreadBlockingExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NoIoThreadBlockingExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("refused", BlockingGuard.refused());
    }

    /** Marks a test that provokes a refusal on purpose. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface RefusalExpected {}

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getRequiredTestMethod().isAnnotationPresent(RefusalExpected.class)) {
            return;
        }
        long before = context.getStore(NAMESPACE).get("refused", Long.class);
        long during = BlockingGuard.refused() - before;
        if (during > 0) {
            throw new AssertionError(during + " blocking Warden call(s) ran on a Lettuce I/O thread during this test;"
                    + " see the 'refused a blocking call' errors in the log");
        }
    }
}
