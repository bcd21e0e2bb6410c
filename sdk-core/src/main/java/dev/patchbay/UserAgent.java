package dev.patchbay;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One user connected to the edge: its own token manager, one signaling WebSocket, its calls.
 * Nothing of one user agent is visible to another. Obtained from
 * {@link Patchbay#connect(Credentials, UserAgentOptions)}.
 *
 * <p>The agent reconnects on its own after a lost socket, a missed pong or a server close (with
 * backoff and a budget), moves to a new socket when the edge announces {@code closing}, and
 * resumes its live calls. Listeners run on the app's callback executor, in order.
 */
public interface UserAgent extends AutoCloseable {
  /** Connection state of a user agent. */
  enum State {
    /** The first connection is being set up. */
    CONNECTING,
    /** Signaling is up. */
    CONNECTED,
    /** The socket was lost; a new one is being set up (calls are kept, media keeps running). */
    RECONNECTING,
    /** {@link #close()} was called; calls are being hung up and the socket closed. */
    CLOSING,
    /** Terminal: closed by the app, or the reconnect budget ran out. */
    CLOSED
  }

  /**
   * The tenant this user belongs to.
   *
   * @return the tenant
   */
  String tenant();

  /**
   * The user id: as configured, or as the edge reported it in {@code hello}.
   *
   * @return the user id, or null before the first {@code hello} when none was configured
   */
  String userId();

  /**
   * The connection state.
   *
   * @return the current state
   */
  State state();

  /**
   * The edge's id of the current connection, when connected.
   *
   * @return the connection id, or empty when not connected
   */
  Optional<String> connectionId();

  /**
   * Calls {@code to} (a user of the same tenant, or a built-in party). Completes when media is
   * connected, or exceptionally with {@link CallFailedException} naming the status and attempts.
   * The call is visible in {@link #calls()} from the start; cancelling the future hangs it up.
   *
   * @param to the callee
   * @return a future that completes with the call once media is connected
   */
  CompletableFuture<Call> dial(String to);

  /**
   * Sets the handler offered every incoming call (replacing the previous one). Without a handler
   * incoming calls are rejected with 480.
   *
   * @param handler the handler, or null to reject incoming calls
   */
  void onIncomingCall(Consumer<IncomingCall> handler);

  /**
   * Registers a listener for every later connection state change.
   *
   * @param listener called with each new state, on the app's callback executor
   */
  void onStateChange(Consumer<State> listener);

  /**
   * The calls that are not terminal yet, as a snapshot.
   *
   * @return the live calls
   */
  List<Call> calls();

  /**
   * Hangs up every call, closes the socket (close handshake with a deadline, then cancel),
   * revokes the token and releases the admission permit; also stops a pending reconnect.
   * Idempotent; completes (never exceptionally) once everything is released.
   *
   * @return a future that completes when everything is released
   */
  CompletableFuture<Void> closeAsync();

  /** {@link #closeAsync()} and waits for it (bounded by the agent's close deadlines). */
  @Override
  void close();
}
