package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BlockingGuardTest {

    @Test
    @NoIoThreadBlockingExtension.RefusalExpected
    void aBlockingWaitOnANettyThreadIsRefusedAndCounted() throws Exception {
        long before = BlockingGuard.refused();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread io = new FastThreadLocalThread(() -> {
            try {
                Futures.awaitUninterruptibly(new CompletableFuture<>());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        io.start();
        io.join(5_000);
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("I/O thread");
        assertThat(BlockingGuard.refused()).isEqualTo(before + 1);
    }

    @Test
    void aBlockingWaitOnAnOrdinaryThreadIsAllowed() {
        assertThat(Futures.awaitUninterruptibly(CompletableFuture.completedFuture("ok")))
                .isEqualTo("ok");
    }

    @Test
    void aLettuceNamedThreadCountsAsAnIoThread() {
        assertThat(BlockingGuard.isIoThread(new Thread("lettuce-nioEventLoop-4-1")))
                .isTrue();
        assertThat(BlockingGuard.isIoThread(new Thread("main"))).isFalse();
    }
}
