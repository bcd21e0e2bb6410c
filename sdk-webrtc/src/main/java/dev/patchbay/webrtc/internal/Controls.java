package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.RTCDtmfSender;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.patchbay.webrtc.MediaStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** Mute, hold (the transceiver's direction), DTMF and stats of one session. */
final class Controls {
  private static final Pattern DTMF_TONES = Pattern.compile("[0-9A-Da-d*#,]+");

  private final SessionCore core;
  private final AudioPath audio;
  private volatile boolean muted;
  private volatile boolean onHold;
  private RTCDtmfSender dtmf; // media thread only

  Controls(SessionCore core, AudioPath audio) {
    this.core = core;
    this.audio = audio;
  }

  CompletableFuture<Void> mute(boolean mute) {
    return core.op(() -> {
      muted = mute;
      audio.trackEnabled(!mute);
      return CompletableFuture.completedFuture(null);
    });
  }

  boolean muted() {
    return muted;
  }

  CompletableFuture<Void> hold(boolean hold) {
    return core.op(() -> {
      if (onHold != hold) {
        onHold = hold;
        applyDirection();
        core.notifyListener(() -> core.listener.onNegotiationNeeded(false));
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  boolean onHold() {
    return onHold;
  }

  /** Media thread: sendonly while on hold, sendrecv otherwise. */
  void applyDirection() {
    if (core.transceiver == null) {
      return;
    }
    RTCRtpTransceiverDirection wanted =
        onHold ? RTCRtpTransceiverDirection.SEND_ONLY : RTCRtpTransceiverDirection.SEND_RECV;
    if (core.transceiver.getDirection() != wanted) {
      core.transceiver.setDirection(wanted);
    }
  }

  CompletableFuture<Void> sendDtmf(String tones, Duration toneDuration, Duration gap) {
    Objects.requireNonNull(tones, "tones");
    if (!DTMF_TONES.matcher(tones).matches()) {
      throw new IllegalArgumentException(
          "tones must be made of 0-9, A-D, *, # and ',', but was '" + tones + "'");
    }
    long ms = toneDuration.toMillis();
    if (ms < 40 || ms > 6000) {
      throw new IllegalArgumentException("toneDuration must be 40..6000 ms, but was " + ms);
    }
    long gapMs = gap.toMillis();
    if (gapMs < 30) {
      throw new IllegalArgumentException("gap must be >= 30 ms, but was " + gapMs);
    }
    return core.op(() -> {
      if (!core.trackAttached) {
        throw new IllegalStateException("DTMF needs connected media, but call " + core.callId
            + " is " + core.state);
      }
      if (dtmf == null) {
        dtmf = core.sender.getDtmfSender();
      }
      if (dtmf == null || !dtmf.canInsertDtmf()) {
        throw new IllegalStateException("call " + core.callId + " cannot send DTMF (the remote "
            + "side did not negotiate telephone-event)");
      }
      if (!dtmf.insertDtmf(tones, (int) ms, (int) gapMs)) {
        throw new IllegalStateException("DTMF tones were refused by the sender");
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  CompletableFuture<MediaStats> stats() {
    return core.op(() -> {
      CompletableFuture<MediaStats> f = new CompletableFuture<>();
      String iceState = StatsMapper.iceStateName(core.pc.getIceConnectionState());
      core.pc.getStats(report -> {
        try {
          f.complete(StatsMapper.map(report, iceState));
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        }
      });
      return f;
    });
  }
}
