package dev.patchbay.media;

import dev.patchbay.ClosedException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The media side of one call, created by a {@link MediaEngine}. The SDK drives it from the
 * signaling it receives; the session reports back through its {@link Listener}.
 *
 * <p>Contract (checked by {@code MediaEngineTestSuite} of the {@code patchbay-media-tck}
 * artifact):
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

  /**
   * The call this session belongs to.
   *
   * @return the call id
   */
  String callId();

  /**
   * Creates an offer and sets it as the local description. The future may complete as soon as
   * the offer is created, while it is still being set (so that it can be sent meanwhile); every
   * later call on this session then comes after the set, and a failure to set it fails the
   * session ({@link MediaState#FAILED}).
   *
   * @param iceRestart true to restart ICE (new credentials) with this offer
   * @return a future of the local offer
   */
  CompletableFuture<SessionDescription> createOffer(boolean iceRestart);

  /**
   * Sets a remote offer, creates the answer and sets it as the local description. As with
   * {@link #createOffer}, the future may complete once the answer is created, while it is still
   * being set; a failure to set it then fails the session ({@link MediaState#FAILED}).
   *
   * @param offer the remote offer
   * @return a future of the local answer
   */
  CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer);

  /**
   * Sets the remote answer to this session's offer.
   *
   * @param answer the remote answer
   * @return a future that completes when the answer is set
   */
  CompletableFuture<Void> acceptAnswer(SessionDescription answer);

  /**
   * Adds a trickled remote candidate; buffered until a remote description is set.
   *
   * @param candidate the remote candidate
   */
  void addRemoteCandidate(IceCandidate candidate);

  /** The remote side has sent all its candidates for the current ICE generation. */
  void endOfRemoteCandidates();

  /**
   * The connectivity of this session's media.
   *
   * @return the current media state
   */
  MediaState state();

  /**
   * Why the media failed, once {@link #state()} is {@link MediaState#FAILED}; the SDK puts it in
   * the call's failure message. Set before the session reports {@code FAILED}.
   *
   * @return the failure reason, or empty while the media has not failed (or when the engine
   *     gives none)
   */
  default Optional<String> failureReason() {
    return Optional.empty();
  }

  /**
   * Releases everything; idempotent; completes when released. Never fails.
   *
   * @return a future that completes when everything is released
   */
  CompletableFuture<Void> close();

  /**
   * Engine-specific controls (mute, hold, DTMF, stats) when this session offers them.
   *
   * @param <T> the control type
   * @param type the class of the control
   * @return the control, or empty when this session does not offer {@code type}
   */
  default <T> Optional<T> unwrap(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** What the session tells the SDK. Called on an engine thread; must not block. */
  interface Listener {
    /**
     * A local candidate was gathered and should be trickled to the remote side.
     *
     * @param candidate the local candidate
     */
    void onLocalCandidate(IceCandidate candidate);

    /** Gathering of local candidates finished for the current ICE generation. */
    void onLocalCandidatesComplete();

    /**
     * The media connectivity changed.
     *
     * @param state the new state
     */
    void onStateChange(MediaState state);

    /**
     * The engine needs a new offer/answer exchange (hold, or ICE restart when true).
     *
     * @param iceRestart true when ICE must restart
     */
    void onNegotiationNeeded(boolean iceRestart);
  }
}
