package dev.patchbay.webrtc;

import java.util.Arrays;
import java.util.stream.DoubleStream;

/**
 * An {@link AudioSink} that tells whether the audio it receives carries one frequency: for
 * asserting in a test that "the other side hears 440 Hz".
 *
 * <pre>{@code
 * ToneDetector hears440 = new ToneDetector(440);
 * bobsSession.addAudioSink(hears440);   // Alice's engine sends AudioInput.tone(440, 0.3)
 * // ... wait until hears440.frames() >= 100 ...
 * assertTrue(hears440.hears(), hears440.toString());
 * }</pre>
 *
 * <p>Each delivered frame is Hann-windowed and measured with the Goertzel algorithm at the
 * target frequency and at reference frequencies: the target's neighbours 250 Hz below and above,
 * and 150, 700, 1500, 2200 and 3000 Hz (less those within 200 Hz of the target). The powers add
 * up over the frames. The {@link #dominance()} is the target's power over the strongest
 * reference's: large for the tone, about 1 or less for noise, another tone or silence. A real
 * frequency check, unlike a level meter. A 10 ms frame resolves about 100 Hz, so a tone within
 * about 100 Hz of the target may pass for it; to tell nearer frequencies apart, deliver a longer
 * block in one {@link #onAudio} call (half a second resolves 2 Hz) and compare the
 * {@link #targetPowerPerFrame()} of detectors at the frequencies in question. Multi-channel
 * audio is measured on its first channel. Thread-safe.
 */
public final class ToneDetector implements AudioSink {
  /** The {@link #dominance()} from which {@link #hears()} says the tone is there. */
  public static final double DETECTED_DOMINANCE = 20;

  private static final double[] FIXED_REFERENCES = {150, 700, 1500, 2200, 3000};
  private static final double REFERENCE_GUARD_HZ = 200;
  private static final double NEIGHBOUR_HZ = 250;

  private final double target;
  private final double[] references;
  private double targetPower;
  private final double[] referencePower;
  private long frames;

  /**
   * A detector of one frequency.
   *
   * @param targetHz the frequency to detect, 20..20000 Hz (frames whose sample rate puts it at
   *     or above half the rate are ignored)
   */
  public ToneDetector(double targetHz) {
    if (!(targetHz >= 20 && targetHz <= 20_000)) {
      throw new IllegalArgumentException("targetHz must be within 20..20000, but was " + targetHz);
    }
    this.target = targetHz;
    DoubleStream neighbours = DoubleStream.of(targetHz - NEIGHBOUR_HZ, targetHz + NEIGHBOUR_HZ)
        .filter(hz -> hz >= 20);
    DoubleStream fixed = DoubleStream.of(FIXED_REFERENCES)
        .filter(hz -> Math.abs(hz - targetHz) > REFERENCE_GUARD_HZ);
    this.references = DoubleStream.concat(neighbours, fixed).toArray();
    this.referencePower = new double[references.length];
  }

  /**
   * The frequency this detector looks for.
   *
   * @return the target frequency in Hz
   */
  public double targetHz() {
    return target;
  }

  @Override
  public synchronized void onAudio(short[] samples, int sampleRate, int channels) {
    int n = channels <= 0 ? 0 : samples.length / channels;
    if (n < 2 || target >= sampleRate / 2.0) {
      return;
    }
    targetPower += power(samples, channels, n, sampleRate, target);
    for (int i = 0; i < references.length; i++) {
      if (references[i] < sampleRate / 2.0) {
        referencePower[i] += power(samples, channels, n, sampleRate, references[i]);
      }
    }
    frames++;
  }

  /**
   * The target's power over the strongest reference power, over the frames since the start or
   * the last {@link #reset()}: large (hundreds and more) when the tone is there, about 1 or
   * less for noise, 0 for silence.
   *
   * @return the dominance of the target frequency, 0 or more
   */
  public synchronized double dominance() {
    double max = 1e-9;
    for (double p : referencePower) {
      max = Math.max(max, p);
    }
    return targetPower / max;
  }

  /**
   * Whether the tone is there: at least one frame arrived and the {@link #dominance()} is at
   * least {@link #DETECTED_DOMINANCE}.
   *
   * @return true when the received audio carries the target frequency
   */
  public synchronized boolean hears() {
    return frames > 0 && dominance() >= DETECTED_DOMINANCE;
  }

  /**
   * The mean Goertzel power at the target per frame, for comparing loudness between windows
   * (0 for silence).
   *
   * @return the mean power per frame, 0 or more
   */
  public synchronized double targetPowerPerFrame() {
    return frames == 0 ? 0 : targetPower / frames;
  }

  /**
   * Frames measured since the start or the last {@link #reset()}.
   *
   * @return the number of frames
   */
  public synchronized long frames() {
    return frames;
  }

  /** Forgets every frame measured so far (for example the first ones, while media ramps up). */
  public synchronized void reset() {
    targetPower = 0;
    Arrays.fill(referencePower, 0);
    frames = 0;
  }

  private static double power(short[] s, int channels, int n, int rate, double hz) {
    double coeff = 2 * Math.cos(2 * Math.PI * hz / rate);
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
      // Hann window: keeps a tone's energy out of the reference bins (no spectral leakage).
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
      double v = w * s[i * channels] + coeff * s1 - s2;
      s2 = s1;
      s1 = v;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }

  @Override
  public synchronized String toString() {
    return "ToneDetector{" + target + " Hz, frames=" + frames + ", dominance=" + dominance() + '}';
  }
}
