package io.warden.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a blocking Warden call on a Lettuce/Netty I/O thread. Such a call would wait for a reply
 * that only that thread can read, stalling every command of the connection until the command
 * timeout. Every blocking wait in Warden goes through {@link Futures}, which asks here first; the
 * refusals are counted so that the test suite fails any test in which one happened, even when the
 * exception was swallowed by a callback.
 */
final class BlockingGuard {
    private static final Logger log = LoggerFactory.getLogger(BlockingGuard.class);
    private static final AtomicLong REFUSED = new AtomicLong();

    private BlockingGuard() {}

    static void check() {
        Thread thread = Thread.currentThread();
        if (isIoThread(thread)) {
            REFUSED.incrementAndGet();
            IllegalStateException refused = new IllegalStateException("a blocking Warden call on I/O thread '"
                    + thread.getName() + "' would stall every Redis command of this client; use the async API there");
            log.error("refused a blocking call on an I/O thread", refused);
            throw refused;
        }
    }

    /** How many blocking calls were refused since the JVM started. */
    static long refused() {
        return REFUSED.get();
    }

    static boolean isIoThread(Thread thread) {
        for (Class<?> type = thread.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("io.netty.util.concurrent.FastThreadLocalThread")) {
                return true;
            }
        }
        return thread.getName().startsWith("lettuce-");
    }
}
