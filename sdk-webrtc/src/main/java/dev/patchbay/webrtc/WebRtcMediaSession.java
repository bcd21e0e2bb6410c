package dev.patchbay.webrtc;

import dev.patchbay.media.MediaSession;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Controls of a call's WebRTC media, reached through
 * {@code mediaSession.unwrap(WebRtcMediaSession.class)} (or {@code call.media(...)} where the
 * SDK offers it). Every method is thread-safe and returns at once; the work runs on the
 * engine's media thread. After the session is closed the futures fail with
 * {@link dev.patchbay.ClosedException}.
 */
public interface WebRtcMediaSession extends MediaSession {

  /**
   * Mutes or unmutes the outgoing audio (the remote party hears silence).
   *
   * @param muted true to mute, false to unmute
   * @return a future that completes when the change is applied
   */
  CompletableFuture<Void> mute(boolean muted);

  /**
   * Whether the outgoing audio is muted.
   *
   * @return true when muted
   */
  boolean muted();

  /**
   * Puts the call on hold (our direction becomes send-only) or resumes it (send-receive). The
   * change needs an offer/answer exchange: the session asks for it through
   * {@link MediaSession.Listener#onNegotiationNeeded(boolean)} with {@code false}, and the
   * new direction is in the next {@link #createOffer(boolean)}.
   *
   * @param onHold true to hold, false to resume
   * @return a future that completes when the new direction is negotiated
   */
  CompletableFuture<Void> hold(boolean onHold);

  /**
   * Whether the call is on hold.
   *
   * @return true when on hold
   */
  boolean onHold();

  /**
   * Sends DTMF tones out of band (RFC 4733 telephone-events).
   *
   * @param tones digits {@code 0-9}, {@code A-D}, {@code *}, {@code #}; {@code ,} pauses 2 s
   * @param toneDuration 40..6000 ms per tone
   * @param gap at least 30 ms between tones
   * @return completes when the tones are queued; fails with {@link IllegalStateException} when
   *     the call cannot send DTMF yet (media not connected)
   */
  CompletableFuture<Void> sendDtmf(String tones, Duration toneDuration, Duration gap);

  /**
   * A statistics snapshot (RTT, jitter, packets lost, bytes).
   *
   * @return a future of the snapshot
   */
  CompletableFuture<MediaStats> stats();

  /**
   * Replaces what this call sends (app-fed audio; ignored with a real microphone). The call
   * plays its own copy ({@link AudioInput#forNewCall()}), from the start.
   *
   * @param input the audio to send from now on
   */
  void audioInput(AudioInput input);

  /**
   * Adds a sink for the remote party's audio.
   *
   * @param sink the sink, called every 10 ms on a media thread
   */
  void addAudioSink(AudioSink sink);

  /**
   * Removes a sink added with {@link #addAudioSink}.
   *
   * @param sink the sink
   */
  void removeAudioSink(AudioSink sink);

  /**
   * ICE restarts this session has requested so far.
   *
   * @return the number of ICE restarts
   */
  int iceRestarts();
}
