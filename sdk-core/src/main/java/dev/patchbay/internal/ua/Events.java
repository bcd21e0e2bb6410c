package dev.patchbay.internal.ua;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the app's {@link PatchbayEventListener}, catching and logging anything it throws. */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final PatchbayEventListener l;

  public Events(PatchbayEventListener listener) {
    this.l = listener;
  }

  private void guard(String event, Runnable r) {
    if (l == PatchbayEventListener.NONE) {
      return;
    }
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("PatchbayEventListener.{} threw; ignored", event, e);
    }
  }

  void connectStart(String tenant, String user, boolean reconnect) {
    guard("connectStart", () -> l.connectStart(tenant, user, reconnect));
  }

  void connectEnd(String tenant, String user, String connectionId, Duration took) {
    guard("connectEnd", () -> l.connectEnd(tenant, user, connectionId, took));
  }

  void connectFailed(String tenant, String user, PatchbayException cause) {
    guard("connectFailed", () -> l.connectFailed(tenant, user, cause));
  }

  void retryScheduled(String tenant, String user, String what, int retry, Duration delay,
      PatchbayException cause) {
    guard("retryScheduled", () -> l.retryScheduled(tenant, user, what, retry, delay, cause));
  }

  /** An invite answered with 503/504 will be sent again after {@code delay}. */
  public void retryScheduledForCall(String tenant, String user, int retry, Duration delay,
      PatchbayException cause) {
    retryScheduled(tenant, user, "invite", retry, delay, cause);
  }

  void admissionQueued(String tenant, String what) {
    guard("admissionQueued", () -> l.admissionQueued(tenant, what));
  }

  public void callStart(String tenant, String user, String callId, Call.Direction direction) {
    guard("callStart", () -> l.callStart(tenant, user, callId, direction));
  }

  public void callActive(String tenant, String user, String callId, Duration setup) {
    guard("callActive", () -> l.callActive(tenant, user, callId, setup));
  }

  public void callEnd(String tenant, String user, String callId, CallState state, EndReason reason,
      Duration took) {
    guard("callEnd", () -> l.callEnd(tenant, user, callId, state, reason, took));
  }

  void userAgentClosed(String tenant, String user) {
    guard("userAgentClosed", () -> l.userAgentClosed(tenant, user));
  }
}
