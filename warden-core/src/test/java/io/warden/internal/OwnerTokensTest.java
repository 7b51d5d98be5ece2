package io.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Owner tokens keep their wire form (32 lowercase hex characters) while a lease keeps two longs. */
class OwnerTokensTest {

    @Test
    void aTokenIs32LowercaseHexCharactersAndSurvivesTheTwoLongs() {
        for (int i = 0; i < 1_000; i++) {
            String token = OwnerTokens.next();
            assertThat(token).matches("[0-9a-f]{32}");
            assertThat(OwnerTokens.format(OwnerTokens.high(token), OwnerTokens.low(token)))
                    .isEqualTo(token);
        }
    }

    @Test
    void formattingKeepsLeadingZerosAndTheSignBit() {
        assertThat(OwnerTokens.format(0, 0)).isEqualTo("0".repeat(32));
        assertThat(OwnerTokens.format(-1, 1)).isEqualTo("f".repeat(16) + "0".repeat(15) + "1");
        assertThat(OwnerTokens.high("8000000000000000000000000000000a")).isEqualTo(Long.MIN_VALUE);
        assertThat(OwnerTokens.low("8000000000000000000000000000000a")).isEqualTo(10);
    }

    @Test
    void aStringThatIsNotAnOwnerTokenIsRefused() {
        assertThatThrownBy(() -> OwnerTokens.high("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnerTokens.high("0123456789ABCDEF0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnerTokens.high("g123456789abcdef0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadsDrawingAtOnceNeverShareAToken() throws InterruptedException {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    seen.add(OwnerTokens.next());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(seen).hasSize(16 * 5_000);
    }
}
