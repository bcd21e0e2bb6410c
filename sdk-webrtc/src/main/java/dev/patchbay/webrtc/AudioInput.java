package dev.patchbay.webrtc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * App-fed audio that a call sends when no microphone is configured: a tone, a WAV file, or the
 * app's own PCM stream. The engine pulls one 10 ms frame at a time ({@link #FRAME_SAMPLES}
 * samples, {@link #SAMPLE_RATE} Hz, mono, signed 16-bit) on its media thread; implementations
 * must return quickly and never block.
 */
@FunctionalInterface
public interface AudioInput {
  /** Sample rate of the frames the engine asks for. */
  int SAMPLE_RATE = 48_000;
  /** Samples in one 10 ms frame. */
  int FRAME_SAMPLES = SAMPLE_RATE / 100;

  /**
   * Fills {@code frame} ({@link #FRAME_SAMPLES} samples) with the next 10 ms of audio.
   *
   * @param frame the buffer to fill
   */
  void read(short[] frame);

  /**
   * This input for one more call: the same audio from its start, with its own position, so
   * that calls never share one playback state (two calls on one tone object would each get
   * every other frame of it). A session takes its copy once, when it gets the input (from the
   * engine's builder or {@link WebRtcMediaSession#audioInput(AudioInput)}).
   *
   * <p>The inputs made by {@link #tone}, {@link #wav} and {@link #pcm} return a fresh copy;
   * {@link #silence()} and {@link #stream} (the app's one stream, which cannot be rewound)
   * return themselves, and so does an app's own implementation unless it overrides this method.
   *
   * @return an input with its own playback state, or this input when it has none to copy
   */
  default AudioInput forNewCall() {
    return this;
  }

  /**
   * Silence.
   *
   * @return an input that sends silence
   */
  static AudioInput silence() {
    return frame -> java.util.Arrays.fill(frame, (short) 0);
  }

  /**
   * A continuous sine tone.
   *
   * @param hz frequency, 20..20000
   * @param amplitude 0..1 of full scale
   * @return the tone input
   */
  static AudioInput tone(double hz, double amplitude) {
    if (!(hz >= 20 && hz <= 20_000)) {
      throw new IllegalArgumentException("hz must be within 20..20000, but was " + hz);
    }
    if (!(amplitude >= 0 && amplitude <= 1)) {
      throw new IllegalArgumentException("amplitude must be within 0..1, but was " + amplitude);
    }
    double step = 2 * Math.PI * hz / SAMPLE_RATE;
    double scale = amplitude * Short.MAX_VALUE;
    return new PerCallInput(() -> {
      long[] position = {0};
      return frame -> {
        for (int i = 0; i < frame.length; i++) {
          frame[i] = (short) Math.round(scale * Math.sin(step * position[0]++));
        }
      };
    });
  }

  /**
   * Plays a 16-bit PCM WAV file once (mono or stereo, any rate; converted to 48 kHz mono), then
   * silence. The file is read completely when this method is called.
   *
   * @param file the WAV file
   * @return the file input
   */
  static AudioInput wav(Path file) {
    try {
      return pcm(WavFormat.readMono48k(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read WAV file " + file, e);
    }
  }

  /**
   * The app's own stream of little-endian signed 16-bit mono PCM at 48 kHz (for example a
   * backend's media). Reads at most one frame per call with {@link InputStream#available()} so
   * that it never blocks the media thread; missing samples are sent as silence.
   *
   * @param pcm16le48kMono the PCM stream; the app closes it
   * @return the stream input
   */
  static AudioInput stream(InputStream pcm16le48kMono) {
    Objects.requireNonNull(pcm16le48kMono, "pcm16le48kMono");
    byte[] buffer = new byte[FRAME_SAMPLES * 2];
    return frame -> {
      java.util.Arrays.fill(frame, (short) 0);
      try {
        int wanted = Math.min(buffer.length, pcm16le48kMono.available());
        int n = wanted <= 0 ? 0 : pcm16le48kMono.read(buffer, 0, wanted & ~1);
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, Math.max(0, n)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n / 2; i++) {
          frame[i] = b.getShort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("audio input stream failed", e);
      }
    };
  }

  /**
   * Plays {@code samples} (48 kHz mono) once, then silence.
   *
   * @param samples the samples, 48 kHz mono
   * @return the sample input
   */
  static AudioInput pcm(short[] samples) {
    short[] copy = samples.clone();
    return new PerCallInput(() -> {
      int[] position = {0};
      return frame -> {
        int n = Math.max(0, Math.min(frame.length, copy.length - position[0]));
        System.arraycopy(copy, position[0], frame, 0, n);
        java.util.Arrays.fill(frame, n, frame.length, (short) 0);
        position[0] += n;
      };
    });
  }
}
