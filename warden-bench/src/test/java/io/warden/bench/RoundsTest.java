package io.warden.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of libraries within a round: every library once, a different one first each round. */
class RoundsTest {
    private static final List<Library> THREE = List.of(Library.WARDEN, Library.REDISSON, Library.NAIVE);

    @Test
    void theFirstRoundKeepsTheScenariosOrder() {
        assertThat(Rounds.order(THREE, 1)).containsExactly(Library.WARDEN, Library.REDISSON, Library.NAIVE);
    }

    @Test
    void laterRoundsRotateSoThatEachLibraryGoesFirstInTurn() {
        assertThat(Rounds.order(THREE, 2)).containsExactly(Library.REDISSON, Library.NAIVE, Library.WARDEN);
        assertThat(Rounds.order(THREE, 3)).containsExactly(Library.NAIVE, Library.WARDEN, Library.REDISSON);
        assertThat(Rounds.order(THREE, 4)).isEqualTo(Rounds.order(THREE, 1));
    }

    @Test
    void twoLibrariesAlternate() {
        List<Library> two = List.of(Library.WARDEN, Library.SHEDLOCK);
        assertThat(Rounds.order(two, 1)).containsExactly(Library.WARDEN, Library.SHEDLOCK);
        assertThat(Rounds.order(two, 2)).containsExactly(Library.SHEDLOCK, Library.WARDEN);
        assertThat(Rounds.order(two, 5)).containsExactly(Library.WARDEN, Library.SHEDLOCK);
    }
}
