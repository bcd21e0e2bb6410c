package dev.patchbay.webrtc;

import java.util.function.Supplier;

/**
 * An {@link AudioInput} with playback state (a position) whose {@link #forNewCall()} starts a
 * new state from the same audio: what {@link AudioInput#tone}, {@link AudioInput#wav} and
 * {@link AudioInput#pcm} return.
 */
final class PerCallInput implements AudioInput {
  private final Supplier<AudioInput> playback;
  private final AudioInput state;

  PerCallInput(Supplier<AudioInput> playback) {
    this.playback = playback;
    this.state = playback.get();
  }

  @Override
  public void read(short[] frame) {
    state.read(frame);
  }

  @Override
  public AudioInput forNewCall() {
    return new PerCallInput(playback);
  }
}
