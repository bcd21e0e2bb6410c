package dev.patchbay.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateHistoryTest {
  @Test
  void keepsHowMuchEachTotalGrewPerSampleOldestFirst() {
    RateHistory h = new RateHistory(List.of("a", "b"));
    assertThat(h.series().get("a")).isEmpty();
    h.sample(new long[] {0, 5});
    h.sample(new long[] {3, 5});
    h.sample(new long[] {3, 9});
    h.sample(new long[] {10, 9});
    assertThat(h.series().get("a")).containsExactly(0, 3, 0, 7);
    assertThat(h.series().get("b")).containsExactly(5, 0, 4, 0);
  }

  @Test
  void aTotalThatDropsWasResetAndCountsFromZero() {
    RateHistory h = new RateHistory(List.of("a"));
    h.sample(new long[] {10});
    h.sample(new long[] {2});
    h.sample(new long[] {5});
    assertThat(h.series().get("a")).containsExactly(10, 2, 3);
  }

  @Test
  void keepsTheLastSixtySamples() {
    RateHistory h = new RateHistory(List.of("a"));
    for (int i = 1; i <= 75; i++) {
      h.sample(new long[] {(long) i * (i + 1) / 2}); // grows by i at sample i
    }
    long[] s = h.series().get("a");
    assertThat(s).hasSize(RateHistory.SECONDS);
    assertThat(s[0]).isEqualTo(16);
    assertThat(s[59]).isEqualTo(75);
  }

  @Test
  void refusesTotalsOfAnotherShape() {
    RateHistory h = new RateHistory(List.of("a", "b"));
    assertThatThrownBy(() -> h.sample(new long[] {1}))
        .hasMessage("totals must have 2 values, but had 1");
  }

  @Test
  void liveViewAcceptsLiteralLoopbackNamesOnly() throws Exception {
    assertThat(List.of("127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "[::1]", "::1"))
        .allMatch(LiveView::isLoopbackHost);
    assertThat(List.of("", "evil.example", "127.0.0.1.evil.example", "10.0.0.1", "0.0.0.0",
        "localhost.evil.example", "[::2]")).noneMatch(LiveView::isLoopbackHost);
    assertThat(LiveView.isLoopbackHost(null)).isFalse();
    assertThat(LiveView.isLoopback(new InetSocketAddress(
        InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 1))).isTrue();
    assertThat(LiveView.isLoopback(new InetSocketAddress(
        InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 1))).isFalse();
  }
}
