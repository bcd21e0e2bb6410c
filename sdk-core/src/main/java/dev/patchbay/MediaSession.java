package dev.patchbay;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The media side of one call, created by a {@link MediaEngine}. The SDK drives it from the
 * signaling it receives; the session reports back through its {@link Listener}.
 *
 * <p>Contract (checked by core's {@code MediaEngineContract} suite):
 * <ul>
 *   <li>remote candidates that arrive before the remote description are buffered, then applied;
 *   <li>{@link #close()} is idempotent, may be called in any state (also while an offer is
 *       being created) and completes once every resource of the session is released;
 *   <li>after {@code close()} no listener method is called and every other method fails with
 *       {@link ClosedException} (or, for void methods, does nothing);
 *   <li>listener methods are called on an engine thread and must not block.
 * </ul>
 */
public interface MediaSession {

  /** The call this session belongs to. */
  String callId();

  /** Creates an offer and sets it as the local description. */
  CompletableFuture<SessionDescription> createOffer(boolean iceRestart);

  /** Sets a remote offer, creates the answer and sets it as the local description. */
  CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer);

  /** Sets the remote answer to this session's offer. */
  CompletableFuture<Void> acceptAnswer(SessionDescription answer);

  /** Adds a trickled remote candidate; buffered until a remote description is set. */
  void addRemoteCandidate(IceCandidate candidate);

  /** The remote side has sent all its candidates for the current ICE generation. */
  void endOfRemoteCandidates();

  MediaState state();

  /** Releases everything; idempotent; completes when released. Never fails. */
  CompletableFuture<Void> close();

  /** Engine-specific controls (mute, hold, DTMF, stats) when this session offers them. */
  default <T> Optional<T> unwrap(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** What the session tells the SDK. Called on an engine thread; must not block. */
  interface Listener {
    void onLocalCandidate(IceCandidate candidate);

    void onLocalCandidatesComplete();

    void onStateChange(MediaState state);

    /** The engine needs a new offer/answer exchange (hold, or ICE restart when true). */
    void onNegotiationNeeded(boolean iceRestart);
  }
}
