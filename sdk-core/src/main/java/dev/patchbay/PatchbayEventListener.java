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

  /**
   * A user agent starts connecting (first connection or reconnect).
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id, or null before {@code hello} named it
   * @param reconnect true for a reconnect after a lost connection
   */
  public void connectStart(String tenant, String userId, boolean reconnect) {}

  /**
   * The agent got {@code hello}; {@code took} counts from {@link #connectStart}.
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id
   * @param connectionId the edge's id of the new connection
   * @param took how long connecting took
   */
  public void connectEnd(String tenant, String userId, String connectionId, Duration took) {}

  /**
   * Connecting failed for good (budget spent or a non-retryable refusal).
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id, or null when unknown
   * @param cause why connecting failed
   */
  public void connectFailed(String tenant, String userId, PatchbayException cause) {}

  /**
   * A retry is scheduled: {@code what} is "connect", "reconnect" or "invite".
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id, or null when unknown
   * @param what what is retried: "connect", "reconnect" or "invite"
   * @param retry the number of this retry, 1 for the first
   * @param delay how long the SDK waits before the retry
   * @param cause the failure that is retried
   */
  public void retryScheduled(String tenant, String userId, String what, int retry, Duration delay,
      PatchbayException cause) {}

  /**
   * The local admission limiter made an operation wait for a free socket or negotiation slot.
   *
   * @param tenant the tenant
   * @param what what waited: "socket" or "negotiation"
   */
  public void admissionQueued(String tenant, String what) {}

  /**
   * A call was created (outbound dial or inbound offer).
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id
   * @param callId the client-made call id
   * @param direction outbound or inbound
   */
  public void callStart(String tenant, String userId, String callId, Call.Direction direction) {}

  /**
   * Media connected; {@code setup} counts from {@link #callStart}.
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id
   * @param callId the call id
   * @param setup time from the start of the call to connected media
   */
  public void callActive(String tenant, String userId, String callId, Duration setup) {}

  /**
   * A call reached a terminal state; its media is released.
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id
   * @param callId the call id
   * @param state the terminal state
   * @param reason why the call ended
   * @param took time from the start of the call to its end
   */
  public void callEnd(String tenant, String userId, String callId, CallState state,
      EndReason reason, Duration took) {}

  /**
   * A user agent finished closing.
   *
   * @param tenant the agent's tenant
   * @param userId the agent's user id, or null when it never got one
   */
  public void userAgentClosed(String tenant, String userId) {}
}
