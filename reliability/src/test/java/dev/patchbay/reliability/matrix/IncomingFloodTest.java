package dev.patchbay.reliability.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 11: a flood of {@code incoming} offers is bounded by the calls a connection may hold. */
class IncomingFloodTest {

  @Test
  void aFloodOfIncomingOffersIsRefusedBeyondTheConnectionLimit() {
    try (Rig rig = Rig.builder("2,000 incoming offers on one socket", 11).start()) {
      UserAgent alice = rig.connected("alice");
      AtomicInteger offered = new AtomicInteger();
      alice.onIncomingCall(in -> offered.incrementAndGet()); // the app never answers
      for (int i = 0; i < 2_000; i++) {
        rig.edge.faults().sendRawText("alice", "{\"type\":\"incoming\",\"callId\":\"flood-" + i
            + "\",\"from\":\"mallory\",\"sdp\":\"v=0\"}");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> offered.get() >= 64);
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(rig.patchbay.diagnostics().pendingTimers()).as("timers")
              .isLessThanOrEqualTo(64 + 8));
      assertThat(alice.calls()).as("calls held").hasSize(64);
      assertThat(offered.get()).as("offers the app saw").isEqualTo(64);
      alice.calls().forEach(c -> c.hangUp());
      await().atMost(Duration.ofSeconds(10)).until(() -> alice.calls().isEmpty());
    }
  }
}
