package dev.patchbay.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.RetryPolicy;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final RetryPolicy POLICY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(10)).build();

  @Test
  void ceilingDoublesFromTheBaseUntilTheCap() {
    Backoff b = new Backoff(POLICY, new Random(1));
    assertThat(b.ceilingMillis(0)).isEqualTo(100);
    assertThat(b.ceilingMillis(1)).isEqualTo(200);
    assertThat(b.ceilingMillis(6)).isEqualTo(6400);
    assertThat(b.ceilingMillis(7)).isEqualTo(10_000);
    assertThat(b.ceilingMillis(63)).isEqualTo(10_000);
    assertThat(b.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(10_000);
    assertThat(b.ceilingMillis(-5)).isEqualTo(100);
  }

  @Test
  void jitterStaysUniformlyRandomAtTheCap() {
    Backoff b = new Backoff(POLICY, new Random(20261121L));
    int n = 20_000;
    long cap = 10_000;
    Set<Long> distinct = new HashSet<>();
    double sum = 0;
    double sumSq = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int[] deciles = new int[10];
    for (int i = 0; i < n; i++) {
      long d = b.delay(30, Optional.empty()).toMillis(); // far past the cap
      assertThat(d).isBetween(0L, cap);
      distinct.add(d);
      sum += d;
      sumSq += (double) d * d;
      min = Math.min(min, d);
      max = Math.max(max, d);
      deciles[(int) Math.min(9, d * 10 / cap)]++;
    }
    double mean = sum / n;
    double sd = Math.sqrt(sumSq / n - mean * mean);
    // uniform(0, cap): mean cap/2, sd cap/sqrt(12) ~ 2887; a clamped jitter would pile up at cap
    assertThat(mean).isBetween(cap * 0.48, cap * 0.52);
    assertThat(sd).isBetween(2700.0, 3050.0);
    assertThat(distinct.size()).isGreaterThan(8000);
    assertThat(min).isLessThan(100);
    assertThat(max).isGreaterThan(9900);
    for (int count : deciles) {
      assertThat(count).isBetween(n / 10 - 400, n / 10 + 400);
    }
  }

  @Test
  void jitterStaysWithinTheExponentialWindowBeforeTheCap() {
    Backoff b = new Backoff(POLICY, new Random(7));
    for (int i = 0; i < 1000; i++) {
      assertThat(b.delay(2, Optional.empty()).toMillis()).isBetween(0L, 400L);
    }
  }

  @Test
  void theServersDelayWinsWhenLonger() {
    Backoff b = new Backoff(POLICY, new Random(3));
    for (int i = 0; i < 200; i++) {
      assertThat(b.delay(0, Optional.of(Duration.ofSeconds(5)))).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void aZeroServerDelayLeavesTheClientsJitter() {
    Backoff b = new Backoff(POLICY, new Random(4));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(b.delay(3, Optional.of(Duration.ZERO)).toMillis());
    }
    assertThat(seen).hasSizeGreaterThan(50).allMatch(d -> d >= 0 && d <= 800);
  }

  @Test
  void sameSeedSameDelays() {
    Backoff a = new Backoff(POLICY, new Random(99));
    Backoff b = new Backoff(POLICY, new Random(99));
    for (int i = 0; i < 50; i++) {
      assertThat(a.delay(i, Optional.empty())).isEqualTo(b.delay(i, Optional.empty()));
    }
  }
}
