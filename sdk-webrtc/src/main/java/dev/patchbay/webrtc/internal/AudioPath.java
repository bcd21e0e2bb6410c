package dev.patchbay.webrtc.internal;

import static dev.patchbay.webrtc.internal.SessionCore.log;

import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.patchbay.media.MediaState;
import dev.patchbay.webrtc.AudioInput;
import dev.patchbay.webrtc.AudioSink;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The audio of one session, and the one owner of its send path: app-fed frames pushed by the
 * {@link AudioPump} on the media thread, and remote audio fanned out to the sinks.
 *
 * <p>With app-fed audio (headless audio module) libwebrtc must never feed the send stream
 * itself. It would: the headless module's capture thread, which libwebrtc starts whenever a send
 * stream starts and the module is not recording yet, pushes the playout mix into every started
 * send stream of the engine, and a push of it overlapping one of the pump's aborts the JVM (the
 * race check in {@code audio_send_stream.cc}). libwebrtc starts a send stream on its own
 * schedule (the transport's first writable moment, a description applied), so this class keeps
 * those starts away from libwebrtc: the send encoding stays inactive until the session starts it
 * itself, on the media thread, and it is inactive again while a description is being applied.
 * Each start of ours stops the capture path again within the same media-thread task
 * ({@link SharedFactory#stopCapture()}, which returns once the capture thread has ended), so the
 * capture thread never runs while the pump can push, on any session of the engine.
 *
 * <p>The first start waits for libwebrtc's own confirmation that the transport is writable (a
 * stats report with the DTLS transport connected), not for a delay: only then has libwebrtc
 * queued its "send" switch on its worker thread ahead of our start, which therefore starts the
 * stream synchronously.
 */
final class AudioPath {
  private final SessionCore core;
  private final CopyOnWriteArrayList<AudioSink> sinks = new CopyOnWriteArrayList<>();
  private volatile AudioInput input;

  // Media thread only.
  private AudioTrack remoteTrack;
  private boolean pumping;
  /** A stats request asking whether the transport is writable is on its way. */
  private boolean writableAsked;
  /** Descriptions being applied; the send encoding is inactive while there are any. */
  private int descriptionsApplying;
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

  /** App-fed audio: the send path is this class's (and the pump's), not libwebrtc's. */
  private boolean appFed() {
    return core.appSource != null;
  }

  /** Media thread, on every CONNECTED: starts sending once libwebrtc confirms writability. */
  void onConnected() {
    if (!appFed() || core.trackAttached || writableAsked) {
      return;
    }
    writableAsked = true;
    core.pc.getStats(report -> core.post(() -> onWritableReport(report)));
  }

  private void onWritableReport(RTCStatsReport report) {
    writableAsked = false;
    if (core.trackAttached || core.isTerminal() || core.pc == null) {
      return;
    }
    if (dtlsConnected(report)) {
      attachTrack();
    } else if (core.state == MediaState.CONNECTED) {
      // An earlier (cached) report; ask again. A later CONNECTED asks again by itself.
      onConnected();
    }
  }

  /**
   * The report was made after every DTLS transport of the session connected: after libwebrtc's
   * network thread made them writable and queued the "send" switch on its worker thread.
   */
  private static boolean dtlsConnected(RTCStatsReport report) {
    boolean any = false;
    for (RTCStats s : report.getStats().values()) {
      if (s.getType() == RTCStatsType.TRANSPORT) {
        if (!"connected".equals(String.valueOf(s.getAttributes().get("dtlsState")))) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  /** Media thread: the track attached, the stream started by us, then the pump. Once. */
  private void attachTrack() {
    core.sender.replaceTrack(core.track);
    core.trackAttached = true;
    startSending();
    log.debug("call {}: transport writable, sending app-fed audio", core.callId);
    pumping = true;
    core.ctx.pump.add(this);
  }

  /**
   * Media thread, right before a description is applied (which can switch libwebrtc's "send"
   * on): the send stream is stopped until {@link #descriptionApplied()}.
   */
  void descriptionApplying() {
    if (!appFed() || core.closed.get()) {
      return;
    }
    if (descriptionsApplying++ == 0 && core.trackAttached) {
      core.quietly("stop sending", () -> encodingActive(false));
    }
  }

  /** Media thread, once the description was applied (or failed to be). */
  void descriptionApplied() {
    if (!appFed() || core.closed.get() || descriptionsApplying == 0) {
      return;
    }
    if (--descriptionsApplying == 0 && core.trackAttached) {
      core.quietly("start sending", this::startSending);
    }
  }

  /**
   * Media thread: mutes ({@code enabled} false) or unmutes the send track. libwebrtc builds that
   * stop the capture path when every sending stream is muted start it again, synchronously, on
   * unmute; so an unmute counts as one of our own starts, and the capture path is stopped right
   * after it.
   */
  void trackEnabled(boolean enabled) {
    core.track.setEnabled(enabled);
    if (appFed()) {
      core.ctx.factory.stopCapture();
    }
  }

  /**
   * Starts the send stream (when libwebrtc's "send" is on, synchronously: the stream starts the
   * headless capture path inside this call) and stops the capture path again before the media
   * thread can run a pump tick.
   */
  private void startSending() {
    if (descriptionsApplying > 0) {
      return;
    }
    encodingActive(true);
    core.ctx.factory.stopCapture();
  }

  private void encodingActive(boolean active) {
    NativePeer.encodingActive(core.sender, active);
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
