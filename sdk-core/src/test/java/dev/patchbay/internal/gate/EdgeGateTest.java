package dev.patchbay.internal.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.RetryAfter;
import dev.patchbay.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each clamp of the table in docs/protocol.md §3.9.1, through the codec as the SDK decodes. */
class EdgeGateTest {
  private final FrameCodec codec = new FrameCodec();

  private Frame decode(String json) {
    return codec.decode(json);
  }

  private Frames.Hello hello(String fields) {
    return (Frames.Hello) decode("{\"type\":\"hello\",\"connectionId\":\"c-1\"," + fields + "}");
  }

  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE, 300_001, 86_400_000})
  void aHugeHeartbeatIsClampedToFiveMinutes(long heartbeat) {
    assertThat(hello("\"heartbeatMs\":" + heartbeat).heartbeatMs()).isEqualTo(300_000L);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 0, -5, Long.MIN_VALUE})
  void aTinyHeartbeatIsRaisedToOneSecond(long heartbeat) {
    assertThat(hello("\"heartbeatMs\":" + heartbeat).heartbeatMs()).isEqualTo(1_000L);
  }

  @Test
  void aHelloWithoutHeartbeatIsRefusedTyped() {
    assertThatThrownBy(() -> decode("{\"type\":\"hello\",\"connectionId\":\"c\"}"))
        .isInstanceOf(FrameDecodingException.class)
        .hasMessageContaining("heartbeatMs is required")
        .satisfies(e -> assertThat(((FrameDecodingException) e).kind())
            .isEqualTo(FrameDecodingException.Kind.INVALID_FIELD));
  }

  @Test
  void resumeWindowAndLimitsAreClamped() {
    Frames.Hello h = hello("\"heartbeatMs\":10000,\"resumeWindowMs\":9223372036854775807,"
        + "\"limits\":{\"maxFrameBytes\":2147483647,\"maxCallsPerConnection\":2147483647,"
        + "\"tenantSockets\":-4,\"tenantNegotiations\":0}");
    assertThat(h.resumeWindowMs()).isEqualTo(300_000L);
    assertThat(h.limits().maxFrameBytes()).isEqualTo(1 << 20);
    assertThat(h.limits().maxCallsPerConnection()).isEqualTo(1_000);
    assertThat(h.limits().tenantSockets()).isEqualTo(1);
    assertThat(h.limits().tenantNegotiations()).isEqualTo(1);
    assertThat(hello("\"heartbeatMs\":10000,\"resumeWindowMs\":-1").resumeWindowMs()).isZero();
  }

  @Test
  void iceServersAreCappedAndUnusableOnesDropped() {
    String many = IntStream.range(0, 40).mapToObj(i -> "{\"urls\":[" + IntStream.range(0, 20)
        .mapToObj(j -> "\"turn:t" + i + "-" + j + ".example.com\"")
        .collect(Collectors.joining(",")) + "],\"username\":\"u\",\"credential\":\"pw-" + i
        + "-abcdef\"}").collect(Collectors.joining(","));
    Frames.Hello h = hello("\"heartbeatMs\":10000,\"iceServers\":[{\"urls\":[]},"
        + "{\"urls\":[\"http://not-ice\",\"javascript:x\"]},{\"urls\":[\"stun:ok\"],"
        + "\"credential\":\"" + "x".repeat(600) + "\"}," + many + "]");
    assertThat(h.iceServers()).hasSize(EdgeGate.MAX_ICE_SERVERS);
    assertThat(h.iceServers()).allSatisfy(s -> assertThat(s.urls()).hasSize(EdgeGate.MAX_ICE_URLS)
        .allMatch(u -> u.startsWith("turn:")));
  }

  @Test
  void iceCredentialsFromHelloAreMaskedInLaterEdgeText() {
    String credential = "ice-credential-4711-zz";
    LogCapture.registerSecret(credential);
    hello("\"heartbeatMs\":10000,\"iceServers\":[{\"urls\":[\"turn:t.example.com\"],"
        + "\"username\":\"u\",\"credential\":\"" + credential + "\"}]");
    Frames.Error e = (Frames.Error) decode("{\"type\":\"error\",\"status\":500,\"message\":"
        + "\"TURN said " + credential + " is wrong\"}");
    assertThat(e.message()).doesNotContain(credential).contains(Redactor.MASK);
  }

  @Test
  void closingWindowIsClampedAndRequired() {
    assertThat(((Frames.Closing) decode("{\"type\":\"closing\",\"reconnectWithinMs\":"
        + Long.MAX_VALUE + "}")).reconnectWithinMs()).isEqualTo(300_000L);
    assertThat(((Frames.Closing) decode("{\"type\":\"closing\",\"reconnectWithinMs\":-7}"))
        .reconnectWithinMs()).isZero();
    assertThatThrownBy(() -> decode("{\"type\":\"closing\"}"))
        .isInstanceOf(FrameDecodingException.class);
  }

  @Test
  void errorRetryAfterIsClampedToTenMinutesAndStatusMustBeACode() {
    Frames.Error e = (Frames.Error) decode("{\"type\":\"error\",\"callId\":\"c1\",\"status\":503,"
        + "\"message\":\"x\",\"retryAfterMs\":" + Long.MAX_VALUE + "}");
    assertThat(e.retryAfterMs()).isEqualTo(600_000L);
    assertThat(RetryAfter.ofMillis(e.retryAfterMs())).contains(Duration.ofMinutes(10));
    for (String status : List.of("99", "1000", "-1", "2147483647")) {
      assertThatThrownBy(() -> decode("{\"type\":\"error\",\"status\":" + status + "}"))
          .isInstanceOf(FrameDecodingException.class).hasMessageNotContaining(status + "}");
    }
  }

  @Test
  void retryAfterHeadersAreClampedAlike() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    assertThat(RetryAfter.parse("999999999999", now)).contains(Duration.ofMinutes(10));
    assertThat(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", now))
        .contains(Duration.ofMinutes(10));
  }

  @Test
  void resumedListsAreCappedAndUnusableIdsDropped() {
    String ids = IntStream.range(0, 1_500).mapToObj(i -> "\"c" + i + "\"")
        .collect(Collectors.joining(","));
    Frames.Resumed r = (Frames.Resumed) decode("{\"type\":\"resumed\",\"resumed\":[" + ids
        + ",\"\",\"" + "y".repeat(200) + "\"],\"ended\":[" + ids + "]}");
    assertThat(r.resumed()).hasSize(EdgeGate.MAX_LIST).allMatch(id -> id.length() <= 128);
    assertThat(r.ended()).hasSize(EdgeGate.MAX_LIST);
  }

  @Test
  void freeTextIsTamedAndRedacted() {
    Frames.Bye b = (Frames.Bye) decode("{\"type\":\"bye\",\"callId\":\"c1\",\"reason\":\"a\\u0000b"
        + "\\u202e" + "z".repeat(1_000) + " Bearer abcdefghijk\"}");
    assertThat(b.reason()).hasSize(EdgeGate.MAX_TEXT_CHARS).startsWith("a?b?").endsWith("…")
        .doesNotContain("\u0000");
    Frames.Ended e = (Frames.Ended) decode("{\"type\":\"ended\",\"callId\":\"c1\",\"reason\":"
        + "\"Bearer abcdefghijk refresh_token=rt-123456789\"}");
    assertThat(e.reason()).isEqualTo("Bearer ██ refresh_token=██");
  }

  @Test
  void identifiersAreBoundedNotTruncated() {
    assertThatThrownBy(() -> decode("{\"type\":\"incoming\",\"callId\":\"c\",\"from\":\""
        + "f".repeat(300) + "\",\"sdp\":\"v=0\"}")).isInstanceOf(FrameDecodingException.class);
    assertThatThrownBy(() -> decode("{\"type\":\"incoming\",\"callId\":\"c\",\"from\":\"a\\nb\","
        + "\"sdp\":\"v=0\"}")).isInstanceOf(FrameDecodingException.class);
    assertThatThrownBy(() -> decode("{\"type\":\"candidate\",\"callId\":\"c\",\"candidate\":\"x\","
        + "\"sdpMLineIndex\":-1}")).isInstanceOf(FrameDecodingException.class);
  }

  @Test
  void saturatingArithmeticNeverThrows() {
    assertThat(Saturating.add(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.add(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(Saturating.multiply(Long.MAX_VALUE / 2, 3)).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.multiply(-(Long.MAX_VALUE / 2), 3)).isEqualTo(Long.MIN_VALUE);
    assertThat(Saturating.multiply(-4, 5)).isEqualTo(-20);
    assertThat(Saturating.toMillis(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.toNanos(Duration.ofDays(1_000_000))).isEqualTo(Long.MAX_VALUE);
    assertThat(Saturating.plus(Instant.now(), Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(Instant.MAX);
    assertThat(Saturating.plusSeconds(Instant.EPOCH, 60)).isEqualTo(Instant.ofEpochSecond(60));
    List<Long> samples = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
    for (long a : samples) {
      for (long b : samples) {
        long exact;
        try {
          exact = Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
          continue;
        }
        assertThat(Saturating.add(a, b)).isEqualTo(exact);
      }
    }
  }
}
