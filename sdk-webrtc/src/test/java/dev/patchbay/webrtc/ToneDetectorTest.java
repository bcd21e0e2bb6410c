package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The public Goertzel detector on synthetic audio: it finds its tone and nothing else. */
class ToneDetectorTest {
  private static final int RATE = 48_000;
  private static final int FRAME = 480;

  @Test
  void pureToneAtTheTargetIsHeard() {
    ToneDetector d = new ToneDetector(440);
    feedTone(d, 440, 0.3, 100);
    assertThat(d.frames()).isEqualTo(100);
    assertThat(d.dominance()).as("%s", d).isGreaterThan(1000);
    assertThat(d.hears()).isTrue();
    assertThat(d.targetPowerPerFrame()).isPositive();
  }

  @Test
  void toneAtAnotherFrequencyIsNotHeard() {
    ToneDetector d440 = new ToneDetector(440);
    feedTone(d440, 1000, 0.3, 100);
    assertThat(d440.dominance()).as("%s", d440).isLessThan(1);
    assertThat(d440.hears()).isFalse();
    for (double hz : new double[] {300, 600, 2000}) {
      ToneDetector near = new ToneDetector(440);
      feedTone(near, hz, 0.3, 100);
      assertThat(near.dominance()).as("%s Hz: %s", hz, near).isLessThan(1);
      assertThat(near.hears()).isFalse();
    }
  }

  @Test
  void whiteNoiseIsNotHeard() {
    ToneDetector d = new ToneDetector(440);
    Random random = new Random(42);
    short[] frame = new short[FRAME];
    for (int f = 0; f < 100; f++) {
      for (int i = 0; i < FRAME; i++) {
        frame[i] = (short) (random.nextGaussian() * 8000);
      }
      d.onAudio(frame, RATE, 1);
    }
    assertThat(d.dominance()).as("%s", d).isLessThan(3);
    assertThat(d.hears()).isFalse();
  }

  @Test
  void silenceIsNotHeardAndHasNoPower() {
    ToneDetector d = new ToneDetector(440);
    for (int f = 0; f < 100; f++) {
      d.onAudio(new short[FRAME], RATE, 1);
    }
    assertThat(d.dominance()).isZero();
    assertThat(d.targetPowerPerFrame()).isZero();
    assertThat(d.hears()).isFalse();
  }

  @Test
  void toneInNoiseIsHeardAndNothingBeforeTheFirstFrame() {
    ToneDetector d = new ToneDetector(1000);
    assertThat(d.hears()).as("no frame yet").isFalse();
    Random random = new Random(7);
    double step = 2 * Math.PI * 1000 / RATE;
    short[] frame = new short[FRAME];
    for (int f = 0; f < 100; f++) {
      for (int i = 0; i < FRAME; i++) {
        frame[i] = (short) (3000 * Math.sin(step * (f * FRAME + i)) + random.nextGaussian() * 3000);
      }
      d.onAudio(frame, RATE, 1);
    }
    assertThat(d.hears()).as("%s", d).isTrue();
  }

  @Test
  void stereoIsMeasuredOnTheFirstChannelAndResetForgets() {
    ToneDetector d = new ToneDetector(440);
    double step = 2 * Math.PI * 440 / RATE;
    short[] stereo = new short[FRAME * 2];
    for (int i = 0; i < FRAME; i++) {
      stereo[2 * i] = (short) (10000 * Math.sin(step * i));
      stereo[2 * i + 1] = 0;
    }
    d.onAudio(stereo, RATE, 2);
    assertThat(d.hears()).as("%s", d).isTrue();
    d.reset();
    assertThat(d.frames()).isZero();
    assertThat(d.hears()).isFalse();
  }

  @Test
  void targetOutsideTheAudibleRangeIsRejectedWithTheValue() {
    assertThatThrownBy(() -> new ToneDetector(5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was 5.0");
    assertThat(new ToneDetector(440).targetHz()).isEqualTo(440);
  }

  private static void feedTone(ToneDetector d, double hz, double amplitude, int frames) {
    AudioInput tone = AudioInput.tone(hz, amplitude);
    short[] frame = new short[FRAME];
    for (int f = 0; f < frames; f++) {
      tone.read(frame);
      d.onAudio(frame, RATE, 1);
    }
  }
}
