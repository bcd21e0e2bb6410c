package dev.patchbay.webrtc;

/**
 * Receives the remote party's decoded audio of one call (see
 * {@link WebRtcMediaSession#addAudioSink(AudioSink)}). Called on a native audio thread about
 * every 10 ms; must return quickly, never block and never throw (exceptions are logged).
 */
@FunctionalInterface
public interface AudioSink {
  /**
   * @param samples interleaved signed 16-bit samples; valid only during the call
   * @param sampleRate samples per second per channel
   * @param channels 1 (mono) or 2 (stereo)
   */
  void onAudio(short[] samples, int sampleRate, int channels);
}
