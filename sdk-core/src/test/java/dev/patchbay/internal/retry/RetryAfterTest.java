package dev.patchbay.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("1994-11-06T08:49:30Z");

  @Test
  void deltaSeconds() {
    assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 7 ", NOW)).contains(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse("0", NOW)).contains(Duration.ZERO);
  }

  @Test
  void absurdDeltaIsCappedNotOverflowed() {
    assertThat(RetryAfter.parse("99999999999999999999", NOW))
        .contains(Duration.ofSeconds(RetryAfter.MAX_SECONDS));
    assertThat(RetryAfter.parse("999999999", NOW))
        .contains(Duration.ofSeconds(RetryAfter.MAX_SECONDS));
  }

  @Test
  void httpDateInAllThreeForms() {
    Duration seven = Duration.ofSeconds(7);
    assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).contains(seven);
    assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).contains(seven);
    assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", NOW)).contains(seven);
  }

  @Test
  void pastDateMeansTheMinimalServerDelay() {
    assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void farFutureDateIsCapped() {
    assertThat(RetryAfter.parse("Sat, 06 Nov 2094 08:00:00 GMT", NOW))
        .contains(Duration.ofSeconds(RetryAfter.MAX_SECONDS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "soon", "-5", "1.5", "+3", "Sun, 32 Nov 1994 08:49:37 GMT",
      "0x10", "5 seconds"})
  void garbageIsIgnoredSoTheNormalBackoffApplies(String value) {
    assertThat(RetryAfter.parse(value, NOW)).isEmpty();
  }

  @Test
  void nullIsNotSaid() {
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
  }

  @Test
  void protocolMillis() {
    assertThat(RetryAfter.ofMillis(1500L)).contains(Duration.ofMillis(1500));
    assertThat(RetryAfter.ofMillis(null)).isEmpty();
    assertThat(RetryAfter.ofMillis(-1L)).isEmpty();
    assertThat(RetryAfter.ofMillis(Long.MAX_VALUE))
        .isEqualTo(Optional.of(Duration.ofSeconds(RetryAfter.MAX_SECONDS)));
  }
}
