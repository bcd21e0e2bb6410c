package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RejectStatusTest {

  @Test
  void onlyFinalFailureStatusesAreAccepted() {
    assertThatThrownBy(() -> RejectStatus.of(399, "x"))
        .hasMessage("status must be 400-699, but was 399");
    assertThatThrownBy(() -> RejectStatus.of(700, "x"))
        .hasMessage("status must be 400-699, but was 700");
    assertThat(RejectStatus.of(480, "away")).isEqualTo(new RejectStatus(480, "away"));
    assertThat(RejectStatus.BUSY.code()).isEqualTo(486);
    assertThat(RejectStatus.DECLINED.code()).isEqualTo(603);
  }
}
