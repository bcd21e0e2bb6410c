package dev.patchbay.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.reliability.figures.Figures;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import java.nio.charset.StandardCharsets;

/**
 * Any text from the edge either decodes to a well-formed frame that re-encodes and decodes to
 * the same frame, or fails with the typed {@link FrameDecodingException}. Anything else — an
 * unchecked exception, a stack overflow, a hang — is a bug Jazzer reports.
 */
class FrameDecoderFuzzTest {
  private static final FrameCodec CODEC = new FrameCodec(4096);

  @FuzzTest(maxDuration = "5m")
  void decodeEitherSucceedsOrFailsTyped(byte[] input) {
    Figures.fuzzInput("frame-decoder");
    String text = new String(input, StandardCharsets.UTF_8);
    Frame frame;
    try {
      frame = CODEC.decode(text);
    } catch (FrameDecodingException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    assertThat(frame).isNotNull();
    assertThat(CODEC.decode(CODEC.encode(frame))).isEqualTo(frame);
  }
}
