package dev.patchbay.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.media.IceCandidate;
import org.junit.jupiter.api.Test;

class RemoteCandidatesTest {
  private static IceCandidate candidate(String ufrag, int port) {
    return new IceCandidate("0", 0, "candidate:1 1 udp 2122260223 10.77.0.1 " + port
        + " typ host generation 0 ufrag " + ufrag + " network-id 1");
  }

  @Test
  void candidatesBufferedBeforeTheFirstDescriptionAreReleasedInOrderOnceItArrives() {
    RemoteCandidates rc = new RemoteCandidates();
    rc.buffer(candidate("aaaa", 1));
    rc.buffer(candidate("aaaa", 2));

    rc.generation("aaaa");

    assertThat(rc.drain()).extracting(IceCandidate::candidate)
        .containsExactly(candidate("aaaa", 1).candidate(), candidate("aaaa", 2).candidate());
    assertThat(rc.buffered()).isZero();
  }

  @Test
  void candidatesOfAnEarlierGenerationAreStaleAndNeverApplied() {
    RemoteCandidates rc = new RemoteCandidates();
    rc.generation("old1");
    rc.generation("new2");

    assertThat(rc.classify(candidate("old1", 1))).isEqualTo(RemoteCandidates.Kind.STALE);
    rc.buffer(candidate("old1", 1));
    assertThat(rc.buffered()).as("stale candidates are not even buffered").isZero();
    assertThat(rc.classify(candidate("new2", 2))).isEqualTo(RemoteCandidates.Kind.CURRENT);
  }

  @Test
  void candidatesOfAFutureGenerationWaitForTheirDescription() {
    RemoteCandidates rc = new RemoteCandidates();
    rc.generation("gen1");
    rc.buffer(candidate("gen2", 7));

    assertThat(rc.drain()).isEmpty();
    assertThat(rc.buffered()).isEqualTo(1);

    rc.generation("gen2");
    assertThat(rc.drain()).hasSize(1);
  }

  @Test
  void candidatesWithoutUfragBelongToTheCurrentGeneration() {
    RemoteCandidates rc = new RemoteCandidates();
    rc.generation("gen1");
    IceCandidate plain = new IceCandidate("0", 0, "candidate:1 1 udp 1 10.77.0.2 9 typ host");
    assertThat(rc.classify(plain)).isEqualTo(RemoteCandidates.Kind.CURRENT);
  }

  @Test
  void clearDropsEverythingBufferedForOurOwnRestart() {
    RemoteCandidates rc = new RemoteCandidates();
    rc.buffer(candidate("x", 1));
    rc.clear();
    rc.generation("x");
    assertThat(rc.drain()).isEmpty();
  }
}
