package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Messages are built when first read (a refused attempt's exception is mostly caught unread), so
 * these check that what a reader gets is still the whole story: lock, address and cause.
 */
class WardenExceptionTest {
    private static final HolderInfo HOLDER = new HolderInfo("node-7", 4242, Instant.parse("2026-11-30T10:15:30Z"), 17);

    @Test
    void aMessageNamesTheLockTheServerAndWhatHappened() {
        WardenException e = new WardenException("orders", "127.0.0.1:6390", "script failed", null);

        assertThat(e.getMessage()).isEqualTo("lock 'orders' on 127.0.0.1:6390: script failed");
        assertThat(e).hasToString(WardenException.class.getName() + ": " + e.getMessage());
        assertThat(new WardenException(null, "127.0.0.1:6390", "closed", null).getMessage())
                .isEqualTo("Warden on 127.0.0.1:6390: closed");
    }

    @Test
    void aTimeoutSaysHowLongItWaitedAndWhoHeldTheLock() {
        LockTimeoutException e = new LockTimeoutException("orders", "127.0.0.1:6390", Duration.ofSeconds(2), HOLDER);

        assertThat(e.getMessage())
                .isEqualTo("lock 'orders' on 127.0.0.1:6390: not acquired within PT2S; held by " + HOLDER);
        assertThat(new LockTimeoutException("orders", "127.0.0.1:6390", Duration.ZERO, null).getMessage())
                .isEqualTo("lock 'orders' on 127.0.0.1:6390: not acquired within PT0S");
    }

    @Test
    void aSerializedTimeoutKeepsItsMessageThoughTheHolderIsNotSerialized() throws Exception {
        LockTimeoutException sent = new LockTimeoutException("orders", "127.0.0.1:6390", Duration.ofSeconds(2), HOLDER);

        LockTimeoutException received = roundTrip(sent);

        assertThat(received.holder()).isEmpty();
        assertThat(received.getMessage()).isEqualTo(sent.getMessage()).contains("node-7 pid 4242");
        assertThat(received.waited()).isEqualTo(Duration.ofSeconds(2));
        assertThat(received.lockName()).isEqualTo("orders");
    }

    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            T read = (T) in.readObject();
            return read;
        }
    }
}
