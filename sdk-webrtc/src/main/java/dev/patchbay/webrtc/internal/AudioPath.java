package dev.patchbay.webrtc.internal;

import static dev.patchbay.webrtc.internal.SessionCore.log;

import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.AudioSink;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The audio of one session: the send track attached only once the transport is up (with the
 * capture path quiesced right after and again a little later), app-fed frames pushed by the
 * {@link AudioPump}, and remote audio fanned out to the sinks.
 */
final class AudioPath {
  /** A second stop of the capture path, in case libwebrtc's writable work came late after all. */
  private static final Duration LATE_QUIESCE = Duration.ofMillis(250);

  private final SessionCore core;
  private final CopyOnWriteArrayList<AudioSink> sinks = new CopyOnWriteArrayList<>();
  private volatile AudioInput input;

  // Media thread only.
  private AudioTrack remoteTrack;
  private boolean pumping;
  private boolean inputFailureLogged;
  private final short[] frame = new short[AudioInput.FRAME_SAMPLES];
  private final byte[] frameBytes = new byte[AudioInput.FRAME_SAMPLES * 2];
  private final AudioTrackSink remoteSink = this::onRemoteAudio;

  /** Plays its own copy of {@code input} ({@link AudioInput#forNewCall()}): no shared state. */
  AudioPath(SessionCore core, AudioInput input) {
    this.core = core;
    this.input = Objects.requireNonNull(input, "input").forNewCall();
  }

  void input(AudioInput newInput) {
    this.input = Objects.requireNonNull(newInput, "input").forNewCall();
  }

  void addSink(AudioSink sink) {
    sinks.addIfAbsent(Objects.requireNonNull(sink, "sink"));
  }

  void removeSink(AudioSink sink) {
    sinks.remove(sink);
  }

  /** Media thread, {@code ATTACH_DELAY} after the first CONNECTED. */
  void attachTrack() {
    if (core.closed.get() || core.trackAttached || core.isTerminal()) {
      return;
    }
    core.sender.replaceTrack(core.track);
    core.trackAttached = true;
    core.quiesceIfSending();
    if (core.appSource != null) {
      pumping = true;
      core.ctx.pump.add(this);
      core.ctx.thread.schedule(() -> {
        if (!core.closed.get()) {
          core.quiesceIfSending();
        }
      }, LATE_QUIESCE);
    }
  }

  /** Called by the {@link AudioPump} on the media thread every 10 ms. */
  void pushAudioFrame() {
    if (!pumping || core.closed.get()) {
      return;
    }
    try {
      input.read(frame);
    } catch (RuntimeException e) {
      if (!inputFailureLogged) {
        inputFailureLogged = true;
        log.warn("call {}: audio input failed, sending silence", core.callId, e);
      }
      java.util.Arrays.fill(frame, (short) 0);
    }
    for (int i = 0; i < frame.length; i++) {
      frameBytes[2 * i] = (byte) frame[i];
      frameBytes[2 * i + 1] = (byte) (frame[i] >> 8);
    }
    core.appSource.pushAudio(frameBytes, 16, AudioInput.SAMPLE_RATE, 1,
        AudioInput.FRAME_SAMPLES);
  }

  /** libwebrtc's onTrack, already re-posted to the media thread. */
  void onRemoteTrack(RTCRtpTransceiver t) {
    if (remoteTrack != null) {
      return;
    }
    MediaStreamTrack received = t.getReceiver().getTrack();
    if (received instanceof AudioTrack audio) {
      remoteTrack = audio;
      audio.addSink(remoteSink);
    }
  }

  /** Native audio thread. */
  private void onRemoteAudio(byte[] data, int bits, int rate, int channels, int frames) {
    if (sinks.isEmpty() || bits != 16 || core.closed.get()) {
      return;
    }
    int n = Math.min(frames * channels, data.length / 2);
    short[] samples = new short[n];
    for (int i = 0; i < n; i++) {
      samples[i] = (short) ((data[2 * i] & 0xff) | (data[2 * i + 1] << 8));
    }
    for (AudioSink sink : sinks) {
      try {
        sink.onAudio(samples, rate, channels);
      } catch (RuntimeException e) {
        log.warn("call {}: audio sink threw", core.callId, e);
      }
    }
  }

  /** First step of the release: stop pushing and stop receiving. Media thread; once. */
  void stop() {
    if (pumping) {
      pumping = false;
      core.ctx.pump.remove(this);
    }
    if (remoteTrack != null) {
      core.quietly("remove remote sink", () -> remoteTrack.removeSink(remoteSink));
    }
  }
}
