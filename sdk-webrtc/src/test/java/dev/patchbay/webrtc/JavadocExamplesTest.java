package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testing.JavadocExamples;
import dev.patchbay.testing.JavadocExamples.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every code example in the WebRTC engine's public Javadoc compiles against it. */
class JavadocExamplesTest {
  static final String IMPORTS = """
      import dev.patchbay.*;
      import dev.patchbay.media.*;
      import dev.patchbay.webrtc.*;
      import java.time.Duration;
      """;

  /** What the examples use without declaring it: the reader's own objects. */
  static final String AMBIENT = """
      WebRtcMediaSession bobsSession;
      static void assertTrue(boolean condition, String message) {}
      """;

  @Test
  void everyExampleCompiles() throws Exception {
    List<Example> examples = JavadocExamples.extract(Path.of("src/main/java"));
    assertThat(examples).extracting(Example::where).as("the examples found")
        .anyMatch(w -> w.startsWith("dev/patchbay/webrtc/WebRtcMediaEngine.java"))
        .anyMatch(w -> w.startsWith("dev/patchbay/webrtc/ToneDetector.java"));
    List<String> errors = new ArrayList<>();
    for (Example e : examples) {
      errors.addAll(JavadocExamples.compile(e, IMPORTS, AMBIENT));
    }
    assertThat(errors).isEmpty();
  }

  /**
   * A stale example fails: ToneDetector's, calling the sink method by a wrong name. (The
   * per-call lambda that WebRtcMediaEngine's example used to pass to {@code audioInput} no
   * longer fails to compile at all: since {@code AudioInput.read} returns void,
   * {@code audioInput(callId -> AudioInput.tone(440, 0.3))} is a valid AudioInput that sends
   * silence. The example now uses {@code audioInputPerCall}.)
   */
  @Test
  void aStaleExampleFails() {
    Example stale = new Example("ToneDetector (stale)", """
        ToneDetector hears440 = new ToneDetector(440);
        bobsSession.addSink(hears440);""");
    assertThat(JavadocExamples.compile(stale, IMPORTS, AMBIENT)).singleElement().asString()
        .contains("addSink");
  }
}
