package dev.patchbay.webrtc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An {@link AudioSink} that records the remote audio to a 16-bit PCM WAV file. The format is
 * taken from the first frame; {@link #close()} writes the final header. Thread-safe.
 */
public final class WavRecorder implements AudioSink, AutoCloseable {
  private final Path file;
  private FileChannel channel;
  private int sampleRate;
  private int channels;
  private long dataBytes;
  private boolean closed;

  /**
   * A recorder that creates {@code file} with the first frame.
   *
   * @param file the WAV file to write (replaced if it exists)
   */
  public WavRecorder(Path file) {
    this.file = file;
  }

  @Override
  public synchronized void onAudio(short[] samples, int rate, int ch) {
    if (closed) {
      return;
    }
    try {
      if (channel == null) {
        sampleRate = rate;
        channels = ch;
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        channel.write(ByteBuffer.wrap(WavFormat.header(rate, ch, 0)));
      }
      if (rate != sampleRate || ch != channels) {
        return; // format changes mid-call are dropped rather than corrupting the file
      }
      ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
      for (short s : samples) {
        b.putShort(s);
      }
      b.flip();
      dataBytes += channel.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Bytes of audio written so far.
   *
   * @return the number of audio bytes written
   */
  public synchronized long dataBytes() {
    return dataBytes;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (channel == null) {
      return;
    }
    try (FileChannel c = channel) {
      c.write(ByteBuffer.wrap(WavFormat.header(sampleRate, channels, dataBytes)), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish " + file, e);
    }
  }
}
