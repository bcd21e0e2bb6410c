package dev.patchbay.micrometer;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Forwards every event to the metrics listener; counts admission waits and admissions. */
final class Forwarding extends PatchbayEventListener {
  private final PatchbayEventListener to;
  private final CountDownLatch queued;
  private final AtomicInteger admissions;

  Forwarding(PatchbayEventListener to, CountDownLatch queued, AtomicInteger admissions) {
    this.to = to;
    this.queued = queued;
    this.admissions = admissions;
  }

  @Override
  public void connectStart(UserAgent ua, boolean reconnect) {
    to.connectStart(ua, reconnect);
  }

  @Override
  public void tokenObtained(UserAgent ua) {
    to.tokenObtained(ua);
  }

  @Override
  public void socketUpgraded(UserAgent ua) {
    to.socketUpgraded(ua);
  }

  @Override
  public void connectEnd(UserAgent ua, String connectionId, Duration took) {
    to.connectEnd(ua, connectionId, took);
  }

  @Override
  public void connectFailed(UserAgent ua, PatchbayException cause) {
    to.connectFailed(ua, cause);
  }

  @Override
  public void tokenRequestStart(UserAgent ua, boolean refresh) {
    to.tokenRequestStart(ua, refresh);
  }

  @Override
  public void tokenRequestEnd(UserAgent ua, Duration took) {
    to.tokenRequestEnd(ua, took);
  }

  @Override
  public void tokenRequestFailed(UserAgent ua, PatchbayException cause, Duration took) {
    to.tokenRequestFailed(ua, cause, took);
  }

  @Override
  public void retryScheduled(UserAgent ua, RetryKind kind, int status, int retry,
      Duration delay, Call call, PatchbayException cause) {
    to.retryScheduled(ua, kind, status, retry, delay, call, cause);
  }

  @Override
  public void admissionQueued(UserAgent ua, AdmissionKind kind) {
    to.admissionQueued(ua, kind);
    queued.countDown();
  }

  @Override
  public void admissionAdmitted(UserAgent ua, AdmissionKind kind, Duration waited) {
    to.admissionAdmitted(ua, kind, waited);
    admissions.incrementAndGet();
  }

  @Override
  public void callsResumed(UserAgent ua, List<String> resumed, List<String> lost) {
    to.callsResumed(ua, resumed, lost);
  }

  @Override
  public void callStart(Call call) {
    to.callStart(call);
  }

  @Override
  public void callActive(Call call, Duration setup) {
    to.callActive(call, setup);
  }

  @Override
  public void hangUpStart(Call call) {
    to.hangUpStart(call);
  }

  @Override
  public void callEnd(Call call, CallState state, EndReason reason, Duration took) {
    to.callEnd(call, state, reason, took);
  }

  @Override
  public void userAgentClosed(UserAgent ua) {
    to.userAgentClosed(ua);
  }
}
