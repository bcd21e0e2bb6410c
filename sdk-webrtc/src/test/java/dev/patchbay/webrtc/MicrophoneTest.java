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

  /** Exception constructors are not API (as in core): the engine makes its exceptions. */
  @Test
  void audioDeviceExceptionHasNoPublicOrProtectedConstructor() {
    assertThat(java.util.Arrays.stream(AudioDeviceException.class.getDeclaredConstructors())
        .map(java.lang.reflect.Constructor::getModifiers)
        .filter(m -> java.lang.reflect.Modifier.isPublic(m)
            || java.lang.reflect.Modifier.isProtected(m)))
        .isEmpty();
    assertThat(java.lang.reflect.Modifier.isFinal(AudioDeviceException.class.getModifiers()))
        .isTrue();
  }

  @Test
  void blankMicrophoneNameIsRejected() {
    assertThatThrownBy(() -> WebRtcMediaEngine.builder().microphone(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("microphone");
  }
}
