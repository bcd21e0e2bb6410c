package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioInputTest {
  @TempDir
  Path dir;

  @Test
  void toneHasItsFrequency() {
    AudioInput tone = AudioInput.tone(440, 0.5);
    ToneDetector d = new ToneDetector(440);
    short[] frame = new short[AudioInput.FRAME_SAMPLES];
    for (int i = 0; i < 50; i++) {
      tone.read(frame);
      d.onAudio(frame, AudioInput.SAMPLE_RATE, 1);
    }
    assertThat(d.dominance()).isGreaterThan(100);
  }

  @Test
  void eachCallPlaysItsOwnCopyOfATone() {
    AudioInput shared = AudioInput.tone(440, 0.5);
    AudioInput first = shared.forNewCall();
    AudioInput second = shared.forNewCall();
    AudioInput reference = AudioInput.tone(440, 0.5);
    short[] a = new short[AudioInput.FRAME_SAMPLES];
    short[] b = new short[AudioInput.FRAME_SAMPLES];
    short[] expected = new short[AudioInput.FRAME_SAMPLES];
    for (int i = 0; i < 10; i++) {
      // Interleaved reads, as two calls on one engine's pump: each copy stays continuous.
      first.read(a);
      second.read(b);
      reference.read(expected);
      assertThat(a).as("frame %d of the first call", i).isEqualTo(expected);
      assertThat(b).as("frame %d of the second call", i).isEqualTo(expected);
    }
  }

  @Test
  void eachCallPlaysSamplesFromTheStartAndSilenceIsShared() {
    short[] samples = new short[AudioInput.FRAME_SAMPLES];
    java.util.Arrays.fill(samples, (short) 1234);
    AudioInput once = AudioInput.pcm(samples);
    short[] frame = new short[AudioInput.FRAME_SAMPLES];
    once.read(frame);
    once.read(frame);
    assertThat(frame).as("played once, then silence").containsOnly((short) 0);
    once.forNewCall().read(frame);
    assertThat(frame).as("a new call starts from the start").containsOnly((short) 1234);
    AudioInput silence = AudioInput.silence();
    assertThat(silence.forNewCall()).isSameAs(silence);
  }

  @Test
  void invalidToneArgumentsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> AudioInput.tone(5, 0.5)).hasMessageContaining("but was 5.0");
    assertThatThrownBy(() -> AudioInput.tone(440, 2)).hasMessageContaining("but was 2.0");
  }

  @Test
  void recordedWavPlaysBackAsTheSameToneAtAnyRate() throws Exception {
    Path file = dir.resolve("tone.wav");
    // Record 0.5 s of a 16 kHz stereo 1 kHz tone, then play it back through AudioInput.wav.
    try (WavRecorder rec = new WavRecorder(file)) {
      double step = 2 * Math.PI * 1000 / 16000;
      for (int f = 0; f < 50; f++) {
        short[] stereo = new short[160 * 2];
        for (int i = 0; i < 160; i++) {
          short v = (short) (10000 * Math.sin(step * (f * 160 + i)));
          stereo[2 * i] = v;
          stereo[2 * i + 1] = v;
        }
        rec.onAudio(stereo, 16000, 2);
      }
      assertThat(rec.dataBytes()).isEqualTo(50 * 160 * 2 * 2);
    }
    assertThat(Files.size(file)).isEqualTo(44 + 50 * 160 * 4);

    AudioInput wav = AudioInput.wav(file);
    ToneDetector d = new ToneDetector(1000);
    short[] frame = new short[AudioInput.FRAME_SAMPLES];
    for (int i = 0; i < 40; i++) {
      wav.read(frame);
      d.onAudio(frame, AudioInput.SAMPLE_RATE, 1);
    }
    assertThat(d.dominance()).isGreaterThan(100);
    for (int i = 0; i < 20; i++) {
      wav.read(frame); // past the end: silence
    }
    assertThat(frame).containsOnly((short) 0);
  }

  @Test
  void streamInputNeverBlocksAndPadsWithSilence() {
    byte[] pcm = {0x10, 0x00, 0x20, 0x00};
    AudioInput in = AudioInput.stream(new ByteArrayInputStream(pcm));
    short[] frame = new short[AudioInput.FRAME_SAMPLES];
    in.read(frame);
    assertThat(frame[0]).isEqualTo((short) 16);
    assertThat(frame[1]).isEqualTo((short) 32);
    assertThat(frame[2]).isZero();
    in.read(frame);
    assertThat(frame).containsOnly((short) 0);
  }

  @Test
  void levelMeterReportsRmsAndPeak() {
    LevelMeter m = new LevelMeter();
    short[] square = new short[480];
    for (int i = 0; i < square.length; i++) {
      square[i] = (short) (i % 2 == 0 ? 16384 : -16384);
    }
    m.onAudio(square, 48000, 1);
    assertThat(m.rms()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
    assertThat(m.peak()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.001));
    assertThat(m.rmsDbfs()).isCloseTo(-6.02, org.assertj.core.data.Offset.offset(0.05));
    assertThat(m.frames()).isEqualTo(1);
  }
}
