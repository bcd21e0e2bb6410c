package dev.patchbay.webrtc;

/**
 * An {@link AudioSink} that tracks the level of the remote audio: RMS and peak of the most
 * recent frame, and how many frames arrived. Thread-safe; cheap.
 */
public final class LevelMeter implements AudioSink {
  private volatile double rms;
  private volatile double peak;
  private volatile long frames;

  @Override
  public void onAudio(short[] samples, int sampleRate, int channels) {
    double sum = 0;
    int max = 0;
    for (short s : samples) {
      sum += (double) s * s;
      max = Math.max(max, Math.abs((int) s));
    }
    rms = samples.length == 0 ? 0 : Math.sqrt(sum / samples.length) / 32768.0;
    peak = max / 32768.0;
    frames++;
  }

  /**
   * RMS of the last frame, 0..1 of full scale.
   *
   * @return the RMS level, 0..1
   */
  public double rms() {
    return rms;
  }

  /**
   * RMS of the last frame in dBFS (-inf for silence).
   *
   * @return the RMS level in dBFS
   */
  public double rmsDbfs() {
    return 20 * Math.log10(rms);
  }

  /**
   * Peak of the last frame, 0..1 of full scale.
   *
   * @return the peak level, 0..1
   */
  public double peak() {
    return peak;
  }

  /**
   * Frames received so far.
   *
   * @return the number of frames
   */
  public long frames() {
    return frames;
  }
}
