package dev.patchbay.internal.signaling;

import dev.patchbay.PatchbayException;
import java.net.URI;
import java.util.Map;

/**
 * The seam between {@link SignalingSocket} and a WebSocket implementation. An implementation
 * bounds what it reads: a message over {@code maxMessageChars} is refused while it is being read
 * (a close, 1009 where the implementation can send it), invalid UTF-8 fails the connection
 * (1007), redirects are never followed, and reading pauses while the messages handed over and
 * not yet handled exceed a budget ({@link Listener#onMessage}'s {@code handled}). An end of
 * stream is reported whenever it arrives, not only when the next message is due.
 */
public interface WsTransport extends AutoCloseable {

  /**
   * Starts the upgrade. Events reach {@code listener} one at a time, on the transport's threads;
   * at most one of {@link Listener#onClosed} and {@link Listener#onFailure} ends the link (unless
   * {@link Link#abort()} ended it first), and nothing follows it.
   */
  Link connect(URI uri, String subprotocol, Map<String, String> headers, int maxMessageChars,
      Listener listener);

  /**
   * Stops waiting for close replies (the SDK is shutting down): every link whose close frame was
   * queued or sent ends now, reported as {@link Listener#onClosed} with 1006, and from now on a
   * link ends as soon as its close frame is written. Links not closing, and links whose close
   * carries a request ({@link Link#close(int, String, String)}), are left alone.
   */
  void stopWaitingForCloseReplies();

  /** Releases the transport's threads and connections; links still open are aborted. */
  @Override
  void close();

  /** One connection. All methods are thread-safe and never block. */
  interface Link {
    /** Queues a text message; false once closing, or when the outbound queue is full. */
    boolean sendText(String text);

    /** Sends a ping unless one is still being written; false when it was not sent. */
    boolean sendPing();

    /** Queues a close frame after the pending messages; idempotent. */
    default void close(int code, String reason) {
      close(code, reason, null);
    }

    /**
     * Queues {@code request} (a last text message; null for none) and a close frame after the
     * pending messages, the two written together where the implementation can (one write on the
     * socket, one wake-up of the peer); idempotent. The peer answers a request with its close
     * frame (a {@code logout}'s confirmation), so {@link WsTransport#stopWaitingForCloseReplies()}
     * leaves a link closing with one to the owner's close deadline instead of ending it.
     *
     * @return whether this call queued the close (false once closing, or ended)
     */
    boolean close(int code, String reason, String request);

    /**
     * Drops the connection at once. No terminal event is promised afterwards: the caller that
     * aborts owns the outcome.
     */
    void abort();
  }

  /** Link events. */
  interface Listener {
    void onOpen();

    /**
     * A complete text message; {@code handled} runs (once) when it has been dealt with. Reading
     * goes on while the messages handed over and not yet handled stay within the transport's
     * budget, and pauses until enough of them are. Called on the transport's thread: hand over,
     * never block.
     */
    void onMessage(String text, Runnable handled);

    /** A binary message (not part of protocol v1); reading continues. */
    void onBinary(long size);

    void onPong();

    /** The peer sent a close frame that we did not ask for; it is being answered. */
    void onPeerClose(int code, String reason);

    /** Terminal: the close handshake completed. */
    void onClosed(int code, String reason);

    /** Terminal: the upgrade was refused or the connection failed. */
    void onFailure(PatchbayException cause);
  }
}
