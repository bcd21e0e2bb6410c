package dev.patchbay.internal.ua;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayEventListener.AdmissionKind;
import dev.patchbay.PatchbayEventListener.RetryKind;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that calls the app's {@link PatchbayEventListener}: one instance per user agent,
 * bound to the listener its factory made for that agent; catches and logs anything it throws.
 */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);
  /** Events that nobody hears (tests, benchmarks). */
  public static final Events NONE = new Events(PatchbayEventListener.NONE, null);

  private final PatchbayEventListener l;
  private final UserAgent ua;

  private Events(PatchbayEventListener listener, UserAgent ua) {
    this.l = listener;
    this.ua = ua;
  }

  /** The events of {@code ua}: its listener comes from {@code factory} (a throw means none). */
  public static Events forAgent(PatchbayEventListener.Factory factory, UserAgent ua) {
    PatchbayEventListener listener;
    try {
      listener = factory.create(ua);
    } catch (RuntimeException e) {
      LOG.warn("PatchbayEventListener.Factory.create threw; this agent reports no events", e);
      listener = null;
    }
    return listener == null || listener == PatchbayEventListener.NONE ? NONE
        : new Events(listener, ua);
  }

  private void guard(String event, Consumer<PatchbayEventListener> r) {
    if (l == PatchbayEventListener.NONE) {
      return;
    }
    try {
      r.accept(l);
    } catch (RuntimeException e) {
      LOG.warn("PatchbayEventListener.{} threw; ignored", event, e);
    }
  }

  void connectStart(boolean reconnect) {
    guard("connectStart", x -> x.connectStart(ua, reconnect));
  }

  void tokenObtained() {
    guard("tokenObtained", x -> x.tokenObtained(ua));
  }

  void socketUpgraded() {
    guard("socketUpgraded", x -> x.socketUpgraded(ua));
  }

  void connectEnd(String connectionId, Duration took) {
    guard("connectEnd", x -> x.connectEnd(ua, connectionId, took));
  }

  void connectFailed(PatchbayException cause) {
    guard("connectFailed", x -> x.connectFailed(ua, cause));
  }

  /** A token request of the agent's token manager starts. */
  public void tokenRequestStart(boolean refresh) {
    guard("tokenRequestStart", x -> x.tokenRequestStart(ua, refresh));
  }

  /** A token request ended: {@code cause} null when a token was issued. */
  public void tokenRequestEnd(PatchbayException cause, Duration took) {
    if (cause == null) {
      guard("tokenRequestEnd", x -> x.tokenRequestEnd(ua, took));
    } else {
      guard("tokenRequestFailed", x -> x.tokenRequestFailed(ua, cause, took));
    }
  }

  /** A retry of {@code kind}; {@code call} only for invites. */
  public void retryScheduled(RetryKind kind, int retry, Duration delay, Call call,
      PatchbayException cause) {
    int status = cause == null ? 0 : cause.status().orElse(0);
    guard("retryScheduled", x -> x.retryScheduled(ua, kind, status, retry, delay, call, cause));
  }

  /**
   * A retry the token manager's retriers report by their name: "token request ..." or
   * "token revocation ...".
   */
  public void tokenRetry(String what, int retry, Duration delay, PatchbayException cause) {
    retryScheduled(what.startsWith("token revocation") ? RetryKind.REVOKE : RetryKind.TOKEN,
        retry, delay, null, cause);
  }

  void admissionQueued(AdmissionKind kind) {
    guard("admissionQueued", x -> x.admissionQueued(ua, kind));
  }

  void admissionAdmitted(AdmissionKind kind, Duration waited) {
    guard("admissionAdmitted", x -> x.admissionAdmitted(ua, kind, waited));
  }

  void callsResumed(List<String> resumed, List<String> lost) {
    List<String> kept = List.copyOf(resumed);
    List<String> gone = List.copyOf(lost);
    guard("callsResumed", x -> x.callsResumed(ua, kept, gone));
  }

  public void callStart(Call call) {
    guard("callStart", x -> x.callStart(call));
  }

  public void callActive(Call call, Duration setup) {
    guard("callActive", x -> x.callActive(call, setup));
  }

  public void hangUpStart(Call call) {
    guard("hangUpStart", x -> x.hangUpStart(call));
  }

  public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
    guard("callEnd", x -> x.callEnd(call, state, reason, took));
  }

  void userAgentClosed() {
    guard("userAgentClosed", x -> x.userAgentClosed(ua));
  }
}
