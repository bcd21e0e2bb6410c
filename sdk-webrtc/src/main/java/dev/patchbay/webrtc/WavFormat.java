package dev.patchbay.webrtc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Minimal RIFF/WAVE (PCM 16-bit) reading and header writing. Package-private helper. */
final class WavFormat {
  private WavFormat() {}

  /** Decodes a 16-bit PCM WAV and converts it to 48 kHz mono. */
  static short[] readMono48k(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (file.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
      throw new IllegalArgumentException("file must be a RIFF/WAVE file");
    }
    int channels = 0;
    int rate = 0;
    int bits = 0;
    int pos = 12;
    while (pos + 8 <= file.length) {
      int id = b.getInt(pos);
      int size = b.getInt(pos + 4);
      int body = pos + 8;
      if (id == 0x20746d66) { // "fmt "
        int format = b.getShort(body) & 0xffff;
        channels = b.getShort(body + 2);
        rate = b.getInt(body + 4);
        bits = b.getShort(body + 14);
        if (format != 1 || bits != 16) {
          throw new IllegalArgumentException(
              "WAV must be PCM 16-bit, but was format " + format + " with " + bits + " bits");
        }
      } else if (id == 0x61746164) { // "data"
        if (channels <= 0 || rate <= 0) {
          throw new IllegalArgumentException("WAV data chunk before fmt chunk");
        }
        int frames = Math.min(size, file.length - body) / (2 * channels);
        double[] mono = new double[frames];
        for (int i = 0; i < frames; i++) {
          double sum = 0;
          for (int c = 0; c < channels; c++) {
            sum += b.getShort(body + 2 * (i * channels + c));
          }
          mono[i] = sum / channels;
        }
        return resample(mono, rate, AudioInput.SAMPLE_RATE);
      }
      pos = body + size + (size & 1);
    }
    throw new IllegalArgumentException("WAV has no data chunk");
  }

  static short[] resample(double[] in, int fromRate, int toRate) {
    int outLength = (int) ((long) in.length * toRate / fromRate);
    short[] out = new short[outLength];
    for (int i = 0; i < outLength; i++) {
      double src = (double) i * fromRate / toRate;
      int i0 = (int) src;
      int i1 = Math.min(i0 + 1, in.length - 1);
      double frac = src - i0;
      double v = in[i0] * (1 - frac) + in[i1] * frac;
      out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
    }
    return out;
  }

  static byte[] header(int sampleRate, int channels, long dataBytes) {
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0x46464952).putInt((int) (36 + dataBytes)).putInt(0x45564157);
    h.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) channels);
    h.putInt(sampleRate).putInt(sampleRate * channels * 2).putShort((short) (channels * 2));
    h.putShort((short) 16).putInt(0x61746164).putInt((int) dataBytes);
    return h.array();
  }
}
