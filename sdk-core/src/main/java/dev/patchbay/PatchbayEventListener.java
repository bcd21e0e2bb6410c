package dev.patchbay;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Metrics and tracing hooks, in the style of OkHttp's {@code EventListener}: start/end/failed
 * pairs, every method a no-op by default, {@link #NONE} when nothing listens. One listener
 * serves one {@link UserAgent}: {@link Patchbay.Builder#eventListenerFactory} creates it when
 * the agent is created, so a listener may keep per-agent state without synchronisation between
 * agents (the events of one agent may still arrive on different SDK threads, one at a time or
 * concurrently for different calls).
 *
 * <p>A connect (or reconnect) reports, in order: {@link #connectStart}, then for each attempt
 * the token phase ({@link #tokenObtained}), the WebSocket upgrade ({@link #socketUpgraded}) and
 * {@code hello} ({@link #connectEnd}); time between them splits connect time into token /
 * upgrade / hello. Token requests of the agent's own token manager report
 * {@link #tokenRequestStart} and {@link #tokenRequestEnd} or {@link #tokenRequestFailed}. Each
 * retry the SDK schedules (connect, reconnect, token, revocation, invite) reports
 * {@link #retryScheduled}.
 *
 * <p>Methods are called synchronously on SDK threads, so they must be cheap and must not block.
 * An exception thrown by a listener is caught and logged; it never changes what the SDK does.
 * No argument ever carries a token, secret or SDP.
 */
public abstract class PatchbayEventListener {
  /** A listener that ignores everything. */
  public static final PatchbayEventListener NONE = new PatchbayEventListener() {};

  /** Creates the listener of each user agent. */
  @FunctionalInterface
  public interface Factory {
    /**
     * The listener for {@code userAgent}; called once, when the agent is created (before it
     * connects). Its tenant is known, its user id may not be yet.
     *
     * @param userAgent the new agent
     * @return its listener, never null ({@link #NONE} for none)
     */
    PatchbayEventListener create(UserAgent userAgent);
  }

  /**
   * A factory that hands the same listener to every agent.
   *
   * @param listener the shared listener; must be thread-safe
   * @return a factory returning {@code listener}
   */
  public static Factory factory(PatchbayEventListener listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    return ua -> listener;
  }

  /** What a scheduled retry repeats. */
  public enum RetryKind {
    /** The first connection of an agent. */
    CONNECT,
    /** A new connection after a lost one (or a replacement of a closing one). */
    RECONNECT,
    /** A token request (429/503 or a network failure at the token endpoint). */
    TOKEN,
    /** A token revocation. */
    REVOKE,
    /** An invite answered with 503/504 (same call id). */
    INVITE
  }

  /** What the local admission limiter made wait. */
  public enum AdmissionKind {
    /** A socket permit of the tenant. */
    SOCKET,
    /** A negotiation slot of the tenant. */
    NEGOTIATION,
    /** A WebSocket upgrade slot of the process ({@code Patchbay.Builder#maxConcurrentUpgrades}). */
    UPGRADE
  }

  /**
   * A user agent starts connecting (first connection, reconnect or replacement).
   *
   * @param userAgent the agent
   * @param reconnect true for a reconnect after a lost connection or a replacement
   */
  public void connectStart(UserAgent userAgent, boolean reconnect) {}

  /**
   * The token for a connect attempt is at hand (from the cache or a token request): the token
   * phase of the attempt ends, the upgrade phase starts.
   *
   * @param userAgent the agent
   */
  public void tokenObtained(UserAgent userAgent) {}

  /**
   * The signaling WebSocket upgrade succeeded; the agent now waits for {@code hello}.
   *
   * @param userAgent the agent
   */
  public void socketUpgraded(UserAgent userAgent) {}

  /**
   * The agent got {@code hello}; {@code took} counts from {@link #connectStart}.
   *
   * @param userAgent the agent
   * @param connectionId the edge's id of the new connection
   * @param took how long connecting took
   */
  public void connectEnd(UserAgent userAgent, String connectionId, Duration took) {}

  /**
   * Connecting failed for good (budget spent or a non-retryable refusal).
   *
   * @param userAgent the agent
   * @param cause why connecting failed
   */
  public void connectFailed(UserAgent userAgent, PatchbayException cause) {}

  /**
   * The agent's token manager sends a token request (retries within it report
   * {@link #retryScheduled} with {@link RetryKind#TOKEN}).
   *
   * @param userAgent the agent
   * @param refresh true when a token was issued before (a refresh), false for the first
   */
  public void tokenRequestStart(UserAgent userAgent, boolean refresh) {}

  /**
   * A token request (with its retries) issued a token.
   *
   * @param userAgent the agent
   * @param took time since {@link #tokenRequestStart}
   */
  public void tokenRequestEnd(UserAgent userAgent, Duration took) {}

  /**
   * A token request (with its retries) failed.
   *
   * @param userAgent the agent
   * @param cause why; {@link PatchbayException#status()} is the endpoint's status, if any
   * @param took time since {@link #tokenRequestStart}
   */
  public void tokenRequestFailed(UserAgent userAgent, PatchbayException cause, Duration took) {}

  /**
   * A retry is scheduled.
   *
   * @param userAgent the agent
   * @param kind what is retried
   * @param status the status that caused it (429, 503, ...), or 0 for a network failure
   * @param retry the number of this retry, 1 for the first
   * @param delay how long the SDK waits before the retry
   * @param call the call an invite retry belongs to, or null for other kinds
   * @param cause the failure that is retried
   */
  public void retryScheduled(UserAgent userAgent, RetryKind kind, int status, int retry,
      Duration delay, Call call, PatchbayException cause) {}

  /**
   * The local admission limiter made an operation wait for a free socket permit, negotiation
   * slot or upgrade slot.
   *
   * @param userAgent the agent
   * @param kind what waits
   */
  public void admissionQueued(UserAgent userAgent, AdmissionKind kind) {}

  /**
   * An operation that waited ({@link #admissionQueued}) was admitted.
   *
   * @param userAgent the agent
   * @param kind what waited
   * @param waited how long it waited
   */
  public void admissionAdmitted(UserAgent userAgent, AdmissionKind kind, Duration waited) {}

  /**
   * The edge answered a {@code resume} on a new connection: {@code resumed} calls go on,
   * {@code lost} ones end.
   *
   * @param userAgent the agent
   * @param resumed ids of the calls the edge kept (immutable)
   * @param lost ids of the calls the edge did not keep (immutable)
   */
  public void callsResumed(UserAgent userAgent, List<String> resumed, List<String> lost) {}

  /**
   * A call was created (outbound dial or inbound offer).
   *
   * @param call the call ({@link Call#direction()}, {@link Call#id()})
   */
  public void callStart(Call call) {}

  /**
   * Media connected; {@code setup} counts from {@link #callStart}.
   *
   * @param call the call
   * @param setup time from the start of the call to connected media
   */
  public void callActive(Call call, Duration setup) {}

  /**
   * The app (or {@link UserAgent#close() closing} the agent) started hanging up {@code call}:
   * its {@link #callEnd} follows once the call is released, so the time between the two is
   * the hang-up time (bye to released). Reported at most once per call, only for a call that
   * had not ended yet; a call the remote side or a failure ends reports no hang-up start.
   *
   * @param call the call being hung up
   */
  public void hangUpStart(Call call) {}

  /**
   * A call reached a terminal state; its media is released.
   *
   * @param call the call
   * @param state the terminal state
   * @param reason why the call ended
   * @param took time from the start of the call to its end
   */
  public void callEnd(Call call, CallState state, EndReason reason, Duration took) {}

  /**
   * A user agent finished closing; its last event.
   *
   * @param userAgent the agent
   */
  public void userAgentClosed(UserAgent userAgent) {}
}
