package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.patchbay.ClosedException;
import dev.patchbay.IcePolicy;
import dev.patchbay.internal.Errors;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one media session share: its identity, its state, its native objects and
 * the plumbing that keeps every native call on the engine's media thread. Public methods of the
 * session only check "closed" and enqueue ({@link #op}, {@link #post}); the closed flag is
 * checked again on the media thread.
 */
final class SessionCore {
  /** Every part logs under the facade's name, as the session always has. */
  static final Logger log = LoggerFactory.getLogger(RealWebRtcMediaSession.class);

  final String callId;
  final IcePolicy policy;
  final MediaSession.Listener listener;
  final EngineContext ctx;
  final AtomicBoolean closed = new AtomicBoolean();
  final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  volatile MediaState state = MediaState.NEW;
  volatile String failureReason;
  /**
   * libwebrtc's connection-state events other than CONNECTING posted to the media thread and
   * not handled yet (a CONNECTING only ever moves NEW, so it cannot undo an early CONNECTED).
   */
  final AtomicInteger connectionEventsQueued = new AtomicInteger();

  // Media thread only.
  PeerConnectionFactory factory;
  RTCPeerConnection pc;
  CustomAudioSource appSource;
  AudioTrack track;
  RTCRtpSender sender;
  RTCRtpTransceiver transceiver;
  boolean initialized;
  boolean trackAttached;

  SessionCore(String callId, IcePolicy policy, MediaSession.Listener listener,
      EngineContext ctx) {
    this.callId = callId;
    this.policy = policy;
    this.listener = listener;
    this.ctx = ctx;
  }

  <T> CompletableFuture<T> op(Supplier<CompletableFuture<T>> body) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    pending.add(result);
    result.whenComplete((r, e) -> pending.remove(result));
    try {
      ctx.thread.execute(() -> {
        if (closed.get()) {
          result.completeExceptionally(closedException());
          return;
        }
        if (!initialized) {
          result.completeExceptionally(Errors.patchbay(
              "media session " + callId + " is not usable: " + failureReason));
          return;
        }
        try {
          body.get().whenComplete((r, e) -> {
            if (e != null) {
              result.completeExceptionally(unwrap(e));
            } else {
              result.complete(r);
            }
          });
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedException());
    }
    if (closed.get()) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  /** Runs {@code r} on the media thread unless closed (checked before and on the thread). */
  void post(Runnable r) {
    if (closed.get()) {
      return;
    }
    try {
      ctx.thread.execute(() -> {
        if (!closed.get()) {
          r.run();
        }
      });
    } catch (RejectedExecutionException ignored) {
      // engine closed
    }
  }

  void notifyListener(Runnable call) {
    if (closed.get()) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("call {}: media listener threw", callId, e);
    }
  }

  /**
   * Changes the state and tells the listener, under this core's lock: a change made on
   * libwebrtc's thread ({@link #connectedEarly}) and one made on the media thread are reported
   * in the order they were made.
   */
  synchronized void setState(MediaState s) {
    if (closed.get() || isTerminal() || state == s) {
      return;
    }
    state = s;
    notifyListener(() -> listener.onStateChange(s));
  }

  /** The terminal failure with its reason, reported under this core's lock. */
  synchronized void setFailed(String reason) {
    failureReason = reason;
    state = MediaState.FAILED;
    notifyListener(() -> listener.onStateChange(MediaState.FAILED));
  }

  /**
   * libwebrtc's thread, as it reports CONNECTED: reports the session's first connection at
   * once instead of behind whatever the media thread is doing (it is often blocked in a native
   * call that libwebrtc's thread has just finished), provided every earlier connection-state
   * event but CONNECTING has been handled there, so no failure or disconnection is pending. The event still goes
   * to the media thread, which does the rest ({@link Recovery}); only NEW or CONNECTING move:
   * a reconnection after DISCONNECTED is the media thread's to decide.
   */
  void connectedEarly() {
    if (connectionEventsQueued.get() != 0) {
      return;
    }
    synchronized (this) {
      if (state == MediaState.NEW || state == MediaState.CONNECTING) {
        setState(MediaState.CONNECTED);
      }
    }
  }

  boolean isTerminal() {
    return state == MediaState.FAILED || state == MediaState.CLOSED;
  }

  void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  ClosedException closedException() {
    return Errors.closed("media session " + callId + " is closed");
  }

  void quietly(String what, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      log.warn("call {}: {} failed: {}", callId, what, t.toString());
    }
  }

  /** A duration as people read it in a reason or a log line: "500 ms", "3 s", "2.5 s". */
  static String text(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + " ms"
        : BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + " s";
  }

  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
