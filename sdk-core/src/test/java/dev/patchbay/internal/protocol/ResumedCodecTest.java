package dev.patchbay.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code resumed} keeps its per-call status through the codec (protocol §3.8), and a v1 edge
 * without {@code calls} still decodes. The record has two constructors; the canonical one is the
 * creator.
 */
class ResumedCodecTest {
  private final FrameCodec codec = new FrameCodec();

  @Test
  void callStatusesSurviveEncodeAndDecode() throws Exception {
    Frames.Resumed sent = new Frames.Resumed(List.of("a"), List.of("b"), List.of(
        new Frames.CallStatus("a", Frames.CallStatus.ANSWERED, "v=0", null, null),
        new Frames.CallStatus("b", Frames.CallStatus.ENDED, null, 504, "no media slot")));

    Frame back = codec.decode(codec.encode(sent));

    assertThat(back).isEqualTo(sent);
    assertThat(((Frames.Resumed) back).calls()).hasSize(2);
  }

  @Test
  void anEdgeWithoutCallStatusesStillDecodes() throws Exception {
    Frame back = codec.decode("{\"type\":\"resumed\",\"resumed\":[\"a\"],\"ended\":[]}");

    assertThat(back).isEqualTo(new Frames.Resumed(List.of("a"), List.of(), List.of()));
  }
}
