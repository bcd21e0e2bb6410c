package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {
  @Test
  void invalidSettingsAreRejectedWithMessagesThatSayWhatWasWrong() {
    assertThatThrownBy(() -> FakeEdge.builder().port(70000))
        .hasMessage("port must be 0..65535, but was 70000");
    assertThatThrownBy(() -> FakeEdge.builder().tokenTtl(Duration.ZERO))
        .hasMessage("tokenTtl must be > 0, but was PT0S");
    assertThatThrownBy(() -> FakeEdge.builder().tenant("t", t -> t.socketCap(0)))
        .hasMessage("socketCap must be > 0, but was 0");
    assertThatThrownBy(() -> FakeEdge.builder().tenant("t", t -> t.mediaQueueLimit(-1)))
        .hasMessage("mediaQueueLimit must be >= 0, but was -1");
    assertThatThrownBy(() -> FakeEdge.builder().user("t", " ", "s"))
        .hasMessageStartingWith("user must be 1..128 non-blank chars");
    assertThatThrownBy(() -> FakeEdge.builder().user("t", "u", ""))
        .hasMessage("secret must be non-empty");
    assertThatThrownBy(() -> FakeEdge.builder().handshakeDelay(Duration.ofSeconds(2),
        Duration.ofSeconds(1))).hasMessageStartingWith("handshake delay must be 0 <= min <= max");
  }

  @Test
  void faultsValidateTheirArguments() {
    try (FakeEdge edge = FakeEdge.builder().start()) {
      assertThatThrownBy(() -> edge.faults().closeWith("alice", 1006))
          .hasMessageContaining("but was 1006");
      assertThatThrownBy(() -> edge.faults().refuseUpgrades(200, null, 1))
          .hasMessage("status must be 4xx or 5xx, but was 200");
      assertThatThrownBy(() -> edge.faults().dropAfterFrames("alice", 0))
          .hasMessage("frames must be > 0, but was 0");
      assertThatThrownBy(() -> edge.subjectTokenFor("nobody"))
          .hasMessage("user must be configured, but was nobody");
    }
  }
}
