package io.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    @Test
    void readsUnitsFractionsZeroAndIso8601() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationConverter.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(DurationConverter.parse("0")).isZero();
        assertThat(DurationConverter.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesAnythingElseNamingTheAcceptedForms() {
        for (String bad : new String[] {"", "5", "-1s", "1x", "s", "PT-5S", "1.s", "101y"}) {
            assertThatThrownBy(() -> DurationConverter.parse(bad))
                    .as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
        assertThatThrownBy(() -> DurationConverter.parse("40000d")).hasMessageContaining("too long");
    }
}
