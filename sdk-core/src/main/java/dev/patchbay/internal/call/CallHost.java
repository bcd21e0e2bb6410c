package dev.patchbay.internal.call;

import dev.patchbay.media.MediaSession;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.ua.Events;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/** What a call needs from its user agent. Every method is called on the agent's actor. */
public interface CallHost {
  String tenant();

  String userId();

  UserAgentOptions options();

  /** The agent's serial executor; every call event runs on it. */
  Executor actor();

  /** Sends a frame on the current socket; false when signaling is down. */
  boolean send(Frame frame);

  /**
   * Where the frame {@link #send} last sent went out (its socket and place among the agent's
   * sends), opaque to calls: the connection compares a call's invite with a {@code resume} when
   * the edge answers "unknown-call". Null when unknown.
   */
  default Object lastSent() {
    return null;
  }

  /** Completes (on the actor) when the agent is connected; fails when it closes. */
  CompletableFuture<Void> whenConnected();

  /**
   * Completes (on the actor) with true when the next socket is ready, even if one is current now
   * (its send just failed: it is about to be reported lost); with false when the agent closes
   * first (an outcome, not an error: no exception is built for each idle agent that closes).
   */
  CompletableFuture<Boolean> whenNextConnected();

  /** A free negotiation slot of the tenant (admission); completes on any thread. */
  CompletableFuture<Permit> acquireNegotiation();

  /** Creates the media session of a call with the edge's ICE servers in front. */
  MediaSession createMedia(String callId, MediaSession.Listener listener);

  /** Runs {@code task} on the actor after {@code delay}; cancel the returned future to stop it. */
  Future<?> schedule(Duration delay, Runnable task);

  /** Runs an app callback on the app's executor, in order; exceptions are caught and logged. */
  void toApp(Runnable callback);

  /**
   * The app's executor, where dependents of the futures a call hands out run. Default: inline,
   * for hosts without an app executor (benchmarks, tests).
   */
  default Executor callbackExecutor() {
    return Runnable::run;
  }

  Backoff inviteBackoff();

  Events events();

  /** The call is terminal and released: forget it. */
  void released(RealCall call);
}
