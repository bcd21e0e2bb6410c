package dev.patchbay.webrtc;

import dev.patchbay.MediaSession;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Controls of a call's WebRTC media, reached through
 * {@code mediaSession.unwrap(WebRtcMediaSession.class)} (or {@code call.media(...)} where the
 * SDK offers it). Every method is thread-safe and returns at once; the work runs on the
 * engine's media thread. After the session is closed the futures fail with
 * {@link dev.patchbay.ClosedException}.
 */
public interface WebRtcMediaSession extends MediaSession {

  /** Mutes or unmutes the outgoing audio (the remote party hears silence). */
  CompletableFuture<Void> mute(boolean muted);

  boolean muted();

  /**
   * Puts the call on hold (our direction becomes send-only) or resumes it (send-receive). The
   * change needs an offer/answer exchange: the session asks for it through
   * {@link MediaSession.Listener#onNegotiationNeeded(boolean)} with {@code false}, and the
   * new direction is in the next {@link #createOffer(boolean)}.
   */
  CompletableFuture<Void> hold(boolean onHold);

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

  /** A statistics snapshot (RTT, jitter, packets lost, bytes). */
  CompletableFuture<MediaStats> stats();

  /** Replaces what this call sends (app-fed audio; ignored with a real microphone). */
  void audioInput(AudioInput input);

  /** Adds a sink for the remote party's audio. */
  void addAudioSink(AudioSink sink);

  void removeAudioSink(AudioSink sink);

  /** ICE restarts this session has requested so far. */
  int iceRestarts();

  /** Why the media failed, once {@link #state()} is {@link dev.patchbay.MediaState#FAILED}. */
  Optional<String> failureReason();
}
