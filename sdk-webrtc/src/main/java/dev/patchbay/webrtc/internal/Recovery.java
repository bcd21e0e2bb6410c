package dev.patchbay.webrtc.internal;

import static dev.patchbay.webrtc.internal.SessionCore.cancel;
import static dev.patchbay.webrtc.internal.SessionCore.log;
import static dev.patchbay.webrtc.internal.SessionCore.text;

import dev.patchbay.media.MediaState;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connectivity of one session: the state machine driven by libwebrtc's connection state, the
 * disconnected grace, bounded ICE restarts and the failure reason. Media thread only.
 */
final class Recovery {
  private final SessionCore core;
  private final Trickle trickle;
  private final AudioPath audio;
  private final AtomicInteger restarts = new AtomicInteger();
  /** Whether this side made the first offer; that side drives ICE restarts. */
  boolean initialOfferer;
  private boolean everConnected;
  private boolean restartOffered;
  private ScheduledFuture<?> graceTimer;
  private ScheduledFuture<?> recoveryDeadline;

  Recovery(SessionCore core, Trickle trickle, AudioPath audio) {
    this.core = core;
    this.trickle = trickle;
    this.audio = audio;
  }

  int iceRestarts() {
    return restarts.get();
  }

  /**
   * libwebrtc's connection state, already re-posted to the media thread (a first CONNECTED may
   * have been reported already, see {@link SessionCore#connectedEarly}).
   */
  void onConnectionState(dev.onvoid.webrtc.RTCPeerConnectionState s) {
    if (core.isTerminal()) {
      return;
    }
    switch (s) {
      case CONNECTING -> {
        if (core.state == MediaState.NEW) {
          core.setState(MediaState.CONNECTING);
        }
      }
      case CONNECTED -> {
        cancel(graceTimer);
        cancel(recoveryDeadline);
        everConnected = true;
        core.setState(MediaState.CONNECTED);
        audio.onConnected();
      }
      case DISCONNECTED -> {
        core.setState(MediaState.DISCONNECTED);
        cancel(graceTimer);
        graceTimer = core.ctx.thread.schedule(() -> {
          if (!core.closed.get() && core.state == MediaState.DISCONNECTED) {
            recover("ICE disconnected for longer than " + text(core.policy.disconnectedGrace()));
          }
        }, core.policy.disconnectedGrace());
      }
      case FAILED -> {
        cancel(graceTimer);
        if (!everConnected) {
          fail("ICE failed before media connected");
        } else {
          core.setState(MediaState.DISCONNECTED);
          recover("ICE failed");
        }
      }
      default -> { }
    }
  }

  /** Negotiation: an offer with {@code iceRestart} was created (by the app or the SDK). */
  void restartOffered() {
    restartOffered = true;
  }

  /**
   * Bounded ICE restarts; the side that made the first offer drives them (no glare). The
   * reason grows with what each attempt found, and never says a restart failed when no restart
   * offer was made.
   */
  private void recover(String reason) {
    if (core.isTerminal() || (recoveryDeadline != null && !recoveryDeadline.isDone())) {
      return;
    }
    Duration attempt = core.policy.gatheringTimeout().plus(core.policy.disconnectedGrace());
    if (!initialOfferer) {
      Duration wait = attempt.multipliedBy(core.policy.maxIceRestarts() + 1L);
      log.info("call {}: {}; waiting up to {} for the remote ICE restart", core.callId, reason,
          text(wait));
      recoveryDeadline = core.ctx.thread.schedule(() -> recoveryExpired(reason
          + "; media did not recover within " + text(wait)
          + " (the remote side drives ICE restarts)"), wait);
      return;
    }
    int max = core.policy.maxIceRestarts();
    if (restarts.get() >= max) {
      fail(reason + "; media did not recover and no ICE restart is left (max " + max + ")");
      return;
    }
    int n = restarts.incrementAndGet();
    restartOffered = false;
    log.info("call {}: {}; ICE restart {} of {}", core.callId, reason, n, max);
    recoveryDeadline = core.ctx.thread.schedule(() -> recoveryExpired(reason + "; "
        + (restartOffered
            ? "ICE restart " + n + " did not reconnect within " + text(attempt)
            : "ICE restart " + n + " was requested but no restart offer was created within "
                + text(attempt))), attempt);
    core.notifyListener(() -> core.listener.onNegotiationNeeded(true));
  }

  /** The deadline of a recovery step passed: the next restart, or the end with its reason. */
  private void recoveryExpired(String reason) {
    if (core.closed.get() || core.isTerminal() || core.state == MediaState.CONNECTED) {
      return;
    }
    recoveryDeadline = null;
    if (initialOfferer) {
      recover(reason);
    } else {
      fail(reason);
    }
  }

  /** Terminal failure with its reason; cancels every timer of the session. */
  void fail(String reason) {
    if (core.closed.get() || core.isTerminal()) {
      return;
    }
    cancel(graceTimer);
    cancel(recoveryDeadline);
    trickle.cancelDeadline();
    log.warn("call {}: media failed: {}", core.callId, reason);
    core.setFailed(reason);
  }

  void cancelTimers() {
    cancel(graceTimer);
    cancel(recoveryDeadline);
  }
}
