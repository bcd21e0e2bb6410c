package dev.patchbay;

import java.time.Duration;

/**
 * Metrics and tracing hooks, in the style of OkHttp's {@code EventListener}: start/end/failed
 * pairs, every method a no-op by default, {@link #NONE} when nothing listens.
 *
 * <p>Methods are called synchronously on SDK threads, so they must be cheap and must not block.
 * An exception thrown by a listener is caught and logged; it never changes what the SDK does.
 * No argument ever carries a token, secret or SDP.
 */
public abstract class PatchbayEventListener {
  /** A listener that ignores everything. */
  public static final PatchbayEventListener NONE = new PatchbayEventListener() {};

  /** A user agent starts connecting (first connection or reconnect). */
  public void connectStart(String tenant, String userId, boolean reconnect) {}

  /** The agent got {@code hello}; {@code took} counts from {@link #connectStart}. */
  public void connectEnd(String tenant, String userId, String connectionId, Duration took) {}

  /** Connecting failed for good (budget spent or a non-retryable refusal). */
  public void connectFailed(String tenant, String userId, PatchbayException cause) {}

  /** A retry is scheduled: {@code what} is "connect", "reconnect" or "invite". */
  public void retryScheduled(String tenant, String userId, String what, int retry, Duration delay,
      PatchbayException cause) {}

  /** The local admission limiter made an operation wait for a free socket or negotiation slot. */
  public void admissionQueued(String tenant, String what) {}

  /** A call was created (outbound dial or inbound offer). */
  public void callStart(String tenant, String userId, String callId, Call.Direction direction) {}

  /** Media connected; {@code setup} counts from {@link #callStart}. */
  public void callActive(String tenant, String userId, String callId, Duration setup) {}

  /** A call reached a terminal state; its media is released. */
  public void callEnd(String tenant, String userId, String callId, CallState state,
      EndReason reason, Duration took) {}

  /** A user agent finished closing. */
  public void userAgentClosed(String tenant, String userId) {}
}
