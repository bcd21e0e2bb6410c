package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A configured microphone that does not exist is a clear error, never a JVM abort. */
class MicrophoneTest {
  @Test
  void missingMicrophoneFailsTheBuildClearlyAndLeavesNoThread() {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    assertThatThrownBy(() -> WebRtcMediaEngine.builder().microphone("No Such Microphone").build())
        .isInstanceOf(AudioDeviceException.class)
        .hasMessageContaining("'No Such Microphone'");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t) && t.getName().startsWith("patchbay-media-")))
            .isEmpty());
  }

  @Test
  void blankMicrophoneNameIsRejected() {
    assertThatThrownBy(() -> WebRtcMediaEngine.builder().microphone(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("microphone");
  }
}
