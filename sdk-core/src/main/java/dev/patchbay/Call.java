package dev.patchbay;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One call of a {@link UserAgent}: an explicit state machine ({@link CallState}) with a deadline
 * on every phase and a terminal state that always says why ({@link #endReason()}).
 *
 * <p>Thread-safe. Listeners run on the app's callback executor, in order, never on an SDK or
 * OkHttp thread; a listener that throws is logged and changes nothing else.
 */
public interface Call {
  /** Outbound (dialled by this user) or inbound (offered to this user). */
  enum Direction {
    /** Dialled by this user. */
    OUTBOUND,
    /** Offered to this user. */
    INBOUND
  }

  /**
   * The client-made call id (the idempotency key of the invite).
   *
   * @return the call id
   */
  String id();

  /**
   * Whether this user dialled the call or was offered it.
   *
   * @return the direction
   */
  Direction direction();

  /**
   * The other party: the dialled name, or the caller of an incoming call.
   *
   * @return the remote party's name
   */
  String remoteParty();

  /**
   * The current state; see {@link CallState} for the transitions.
   *
   * @return the current state
   */
  CallState state();

  /**
   * Why the call ended; empty until the state is terminal.
   *
   * @return the end reason once the call is terminal, otherwise empty
   */
  Optional<EndReason> endReason();

  /**
   * The error that failed the call (state FAILED), when there was one.
   *
   * @return the failure, when the call failed with one
   */
  Optional<PatchbayException> failure();

  /**
   * Registers a listener for every later state change. A call that is already terminal when the
   * listener is added reports its terminal state once.
   *
   * @param listener called with each new state, on the app's callback executor
   */
  void onStateChange(Consumer<CallState> listener);

  /**
   * Ends the call: sends {@code bye} when signaling is up, waits (bounded) for the edge to
   * confirm, and always releases the media. Idempotent; every call returns the same future,
   * which completes (never exceptionally) once everything of the call is released.
   *
   * @return a future that completes when the call is ended and its media released
   */
  CompletableFuture<Void> hangUp();

  /**
   * Completes when the call reaches a terminal state and its media is released.
   *
   * @return a future that completes when the call is terminal and its media released
   */
  CompletableFuture<Void> ended();

  /**
   * Engine-specific media controls (mute, hold, stats), when the media engine offers them.
   *
   * @param <T> the control type
   * @param type the class of the engine-specific control, for example the WebRTC session type
   * @return the control, or empty when the engine does not offer {@code type}
   */
  <T> Optional<T> unwrapMedia(Class<T> type);
}
