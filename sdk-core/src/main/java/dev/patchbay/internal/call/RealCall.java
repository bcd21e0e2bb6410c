package dev.patchbay.internal.call;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.IncomingCall;
import dev.patchbay.media.MediaSession;
import dev.patchbay.PatchbayException;
import dev.patchbay.RejectStatus;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.concurrent.AppFuture;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The state machine of one call. Every method that changes state runs on the user agent's
 * actor; the public getters read volatile fields. One release path ({@link #release}) closes
 * the media, frees the negotiation permit, cancels the phase timer and completes the futures.
 * Its parts: {@link OutboundInvite} (outbound set-up), {@link RemoteSignals} (the edge's frames),
 * {@link CallMediaBridge} (media events), {@link PhaseTimer}, {@link LocalCandidates}.
 */
public final class RealCall implements IncomingCall {
  private static final Logger LOG = LoggerFactory.getLogger(RealCall.class);

  private final CallHost host;
  private final String id;
  private final Direction direction;
  private final String remote;
  private final long startNanos = System.nanoTime();
  private final List<Consumer<CallState>> listeners = new CopyOnWriteArrayList<>();
  /** Completes on the actor once released; the agent's close waits on it. */
  private final CompletableFuture<Void> releasedInternal = new CompletableFuture<>();
  /** The app's view of {@link #releasedInternal}, completed on the app executor. */
  private final CompletableFuture<Void> ended;
  /** dial() (outbound) or accept() (inbound); completed on the app executor. */
  private CompletableFuture<Call> setup;

  private volatile CallState state;
  private volatile EndReason endReason;
  private volatile PatchbayException failure;

  // actor-confined, shared with the parts
  final PhaseTimer phase;
  final LocalCandidates candidates;
  final OutboundInvite invite; // null for an inbound call
  private final InboundOffer inbound; // null for an outbound call
  private final RemoteSignals signals;
  private final CallEnding ending;
  MediaSession media;
  private Permit negotiation = Permit.NONE;
  private boolean renegotiating;
  boolean releasing;
  /** The edge holds this call: it got the invite (or offered the call) and did not end it. */
  private boolean edgeKnowsCall;
  /**
   * The last set-up or tear-down frame the edge must get (invite, answer, bye): replayed when
   * signaling was down as it was sent, or when the edge's resume shows it never arrived.
   */
  private Frame outbox;
  /** Where the latest invite went out ({@link CallHost#lastSent}); read by the connection. */
  private Object inviteSentOn;

  private RealCall(CallHost host, String id, Direction direction, String remote,
      CallState initial, String remoteOffer) {
    this.host = host;
    this.id = id;
    this.direction = direction;
    this.remote = remote;
    this.state = initial;
    this.ended = new AppFuture<>(host.callbackExecutor());
    this.phase = new PhaseTimer(host::schedule, this::inCall);
    this.candidates = new LocalCandidates(host);
    this.invite = direction == Direction.OUTBOUND ? new OutboundInvite(this, host) : null;
    this.inbound = direction == Direction.INBOUND
        ? new InboundOffer(this, host, remoteOffer) : null;
    this.signals = new RemoteSignals(this, host);
    this.ending = new CallEnding(this, host);
  }

  /** A new outbound call; {@link #dial} starts it. */
  public static RealCall outbound(CallHost host, String id, String to) {
    return new RealCall(host, id, Direction.OUTBOUND, to, CallState.NEW, null);
  }

  /** An incoming call offered by the edge, ringing. */
  public static RealCall inbound(CallHost host, Frames.Incoming incoming) {
    RealCall c = new RealCall(host, incoming.callId(), Direction.INBOUND, incoming.from(),
        CallState.RINGING, incoming.sdp());
    c.edgeKnowsCall = true;
    return c;
  }

  // ------------------------------------------------------------------ public API

  @Override
  public String id() {
    return id;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public String remoteParty() {
    return remote;
  }

  @Override
  public CallState state() {
    return state;
  }

  @Override
  public Optional<EndReason> endReason() {
    return Optional.ofNullable(endReason);
  }

  @Override
  public Optional<PatchbayException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void onStateChange(Consumer<CallState> listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    if (releasedInternal.isDone()) {
      CallState s = state;
      host.toApp(() -> listener.accept(s));
    }
  }

  @Override
  public CompletableFuture<Void> hangUp() {
    host.actor().execute(() -> inCall(ending::hangUp));
    return ended;
  }

  @Override
  public CompletableFuture<Void> ended() {
    return ended;
  }

  @Override
  public <T> Optional<T> unwrapMedia(Class<T> type) {
    MediaSession m = media;
    return m == null ? Optional.empty() : m.unwrap(type);
  }

  @Override
  public CompletableFuture<Call> accept() {
    CompletableFuture<Call> f = new AppFuture<>(host.callbackExecutor());
    if (direction != Direction.INBOUND) {
      f.completeExceptionally(new IllegalStateException("only an incoming call can be accepted"));
      return f;
    }
    host.actor().execute(() -> inCall(() -> inbound.accept(f)));
    return f;
  }

  @Override
  public CompletableFuture<Void> reject(RejectStatus status) {
    Objects.requireNonNull(status, "status");
    host.actor().execute(() -> inCall(() -> doReject(status.code(), status.reason())));
    return ended;
  }

  /** Completes on the actor once the call is terminal and released. */
  public CompletableFuture<Void> releasedInternal() {
    return releasedInternal;
  }

  @Override
  public String toString() {
    return "Call{" + id + ", " + direction + ", " + state
        + (endReason == null ? "" : ", " + endReason) + '}';
  }

  // ------------------------------------------------------------------ actor: entry points

  /** Starts an outbound call; {@code result} completes when media is connected. */
  public void dial(CompletableFuture<Call> result) {
    inCall(() -> {
      setup = result;
      host.events().callStart(this);
      invite.start();
    });
  }

  /** A frame for this call arrived from the edge. */
  public void onFrame(Frame frame) {
    inCall(() -> signals.onFrame(frame));
  }

  // ------------------------------------------------------------------ actor: inbound

  /** An incoming call was offered: start its ringing deadline and tell the app. */
  public void offered(Consumer<IncomingCall> handler) {
    inCall(() -> inbound.offered(handler));
  }

  /** A remote candidate of an inbound call the app has not accepted yet is held. */
  boolean heldWhileRinging(Frames.Candidate c) {
    return inbound != null && inbound.holdRemoteCandidate(c);
  }

  void doReject(int status, String reason) {
    if (state != CallState.RINGING || releasing) {
      return;
    }
    host.send(new Frames.Reject(id, status, reason));
    edgeKnowsCall = false;
    release(CallState.ENDED, EndReason.REJECTED, null);
  }

  /**
   * Creates the call's media session and returns it; the engine's refusal is thrown and leaves
   * the call without one (an inbound call's early media asks again on accept).
   */
  MediaSession openMedia() {
    media = host.createMedia(id, new CallMediaBridge(this, host));
    return media;
  }

  /** Creates the media session; false (and the call failed) when the engine refused. */
  boolean createMedia(boolean byeOnFailure) {
    try {
      openMedia();
      return true;
    } catch (PatchbayException e) {
      fail(EndReason.MEDIA_FAILED, e, byeOnFailure);
      return false;
    }
  }

  void becomeActive() {
    if (state != CallState.CONNECTING) {
      return;
    }
    phase.invalidate(); // a media deadline that already fired must not fail the ACTIVE call
    setState(CallState.ACTIVE);
    host.events().callActive(this,
        Duration.ofNanos(System.nanoTime() - startNanos));
    CompletableFuture<Call> f = setup;
    if (f != null) {
      f.complete(this); // an AppFuture: wakes a blocked app thread, dependents run on the app's
    }
  }

  // ------------------------------------------------------------------ actor: ending

  /** The user agent is closing or lost its connection for good: end at once. */
  public void terminate(EndReason reason, PatchbayException cause) {
    inCall(() -> ending.terminate(reason, cause));
  }

  /** The agent reconnected but the edge did not resume this call. */
  public void notResumed() {
    inCall(ending::notResumed);
  }

  public boolean isLive() {
    return !releasing;
  }

  /** The edge ended the call or was told so (bye, reject, an error that ends it). */
  void edgeForgot() {
    edgeKnowsCall = false;
  }

  boolean edgeKnowsCall() {
    return edgeKnowsCall;
  }

  /** {@code f} completes when the set-up (dial or accept) does. */
  void awaitSetup(CompletableFuture<Call> f) {
    setup = f;
  }

  /** Holds the tenant's negotiation slot until the answer arrives or the call ends. */
  void holdNegotiation(Permit permit) {
    negotiation = permit;
  }

  void releaseNegotiation() {
    negotiation.release();
    negotiation = Permit.NONE;
  }

  boolean renegotiating() {
    return renegotiating;
  }

  void renegotiating(boolean on) {
    renegotiating = on;
  }

  /**
   * Where this call's latest invite went out (opaque: {@link CallHost#lastSent}), null if none:
   * the connection decides with it whether an "unknown-call" in a {@code resumed} can be about
   * that invite.
   */
  public Object inviteSentOn() {
    return inviteSentOn;
  }

  /** Whether the edge holds this call now, so a {@code resume} must name it. */
  public boolean isKnownToEdge() {
    return edgeKnowsCall && !releasing;
  }

  /**
   * Sends a frame the edge must get (invite, answer, bye). When signaling is down (or, for an
   * invite, the socket drains while its replacement opens) it is replayed on the next socket:
   * by {@link #onResumed} for a call the edge knows (it is named in the {@code resume}),
   * otherwise as soon as a socket is ready, after its resumes.
   */
  void deliver(Frame frame) {
    outbox = frame;
    if (host.send(frame)) {
      if (frame instanceof Frames.Invite) {
        inviteSentOn = host.lastSent();
      }
      if (!(frame instanceof Frames.Bye)) {
        edgeKnowsCall = true;
      }
      return;
    }
    LOG.debug("{} not sent: signaling is down or moving; it goes out on the next socket",
        frame.type());
    if (!edgeKnowsCall) {
      host.whenNextConnected().whenCompleteAsync((connected, e) -> inCall(() -> {
        if (e == null && connected && !releasing && outbox == frame && !edgeKnowsCall) {
          deliver(frame);
        }
      }), host.actor());
    }
  }

  /**
   * The edge's view of this call after a reconnect (protocol §3.8): applies what the call missed
   * while its agent was away (ringing, the answer, the end) and replays a frame that never
   * reached the edge. {@code status} is null when the edge resumed the call without one.
   */
  public void onResumed(Frames.CallStatus status) {
    inCall(() -> {
      if (releasing) {
        return;
      }
      String edgeState = status == null ? Frames.CallStatus.ACTIVE : status.state();
      if (Frames.CallStatus.ENDED.equals(edgeState)) {
        edgeKnowsCall = false;
        if (outbox instanceof Frames.Invite && state == CallState.DIALING && !retryPending()
            && "unknown-call".equals(status.reason())) {
          LOG.info("the invite never reached the edge; sending it again");
          deliver(outbox);
        } else if (state == CallState.ENDING) {
          release(CallState.ENDED, EndReason.LOCAL_HANGUP, null);
        } else if (status.lostAtEdge()) {
          notResumed(); // the edge holds nothing of it any more: lost, not hung up
        } else if (status.status() != null && (state == CallState.NEW
            || state == CallState.DIALING || state == CallState.RINGING)) {
          signals.onFrame(new Frames.Error(id, status.status(), status.reason(), null));
        } else {
          signals.onFrame(new Frames.Bye(id, status.reason()));
        }
        return;
      }
      if (state == CallState.ENDING && outbox instanceof Frames.Bye) {
        host.send(outbox); // the bye was lost with the old socket
        return;
      }
      if (direction == Direction.INBOUND) {
        if (outbox instanceof Frames.Answer && Frames.CallStatus.RINGING.equals(edgeState)) {
          host.send(outbox); // our answer was lost with the old socket
        }
        return;
      }
      if (Frames.CallStatus.RINGING.equals(edgeState)) {
        signals.onFrame(new Frames.Ringing(id));
      } else if (status != null && status.sdp() != null
          && (Frames.CallStatus.ANSWERED.equals(edgeState)
          || Frames.CallStatus.ACTIVE.equals(edgeState))) {
        signals.onFrame(new Frames.Answer(id, status.sdp())); // ignored when already applied
      }
    });
  }

  void fail(EndReason reason, PatchbayException cause, boolean sendBye) {
    if (releasing) {
      return;
    }
    ending.tellEdgeAboutFailure(reason, sendBye);
    release(CallState.FAILED, reason, cause);
  }

  /** The one release path: timers, permit, media, counters, futures, listeners. */
  void release(CallState terminal, EndReason reason, PatchbayException cause) {
    if (releasing) {
      return;
    }
    releasing = true;
    phase.invalidate();
    releaseNegotiation();
    candidates.clear();
    MediaSession m = media;
    CompletableFuture<Void> mediaClosed = m == null ? CompletableFuture.completedFuture(null)
        : m.close().exceptionally(e -> null);
    mediaClosed.whenCompleteAsync((v, e) -> inCall(() -> {
      failure = cause;
      endReason = reason;
      setState(terminal);
      host.events().callEnd(this, terminal, reason,
          Duration.ofNanos(System.nanoTime() - startNanos));
      host.released(this);
      CompletableFuture<Call> f = setup;
      if (f != null && !f.isDone()) { // a connected call's set-up is done: no exception to build
        f.completeExceptionally(cause != null ? cause
            : callFailed("call " + id + " ended (" + reason + ") before it was connected", 0,
                false, null));
      }
      ended.complete(null);
      releasedInternal.complete(null);
    }), host.actor());
  }

  // ------------------------------------------------------------------ helpers

  void setState(CallState next) {
    if (state == next) {
      return;
    }
    state = next;
    LOG.debug("call state {}", next);
    for (Consumer<CallState> l : listeners) {
      host.toApp(() -> l.accept(next));
    }
  }

  void startPhase(Duration deadline, String what) {
    phase.arm(deadline, () -> {
      if (releasing) {
        return;
      }
      int attempts = attempts();
      // read as people write it in a reason: "300 ms", "30 s" (not "PT0.3S")
      String after = deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s"
          : deadline.toMillis() + " ms";
      LOG.info("call phase timed out after {}: {}", after, what);
      fail(EndReason.TIMEOUT, callFailed("call " + id + " timed out after " + after + " "
          + what + " (state " + state + ", " + attempts + " invite attempt"
          + (attempts == 1 ? "" : "s") + ")", 0, true, null), false);
    });
  }

  int attempts() {
    return invite == null ? 0 : invite.attempts();
  }

  boolean retryPending() {
    return invite != null && invite.retryPending();
  }

  CallFailedException callFailed(String message, int status, boolean retryable,
      Duration retryAfter) {
    return CallFailures.failed(id, attempts(), message, status, retryable, retryAfter);
  }

  PatchbayException asPatchbay(Throwable t, String what) {
    return CallFailures.wrap(id, attempts(), t, what);
  }

  /** Runs {@code r} with the call id in the MDC. */
  void inCall(Runnable r) {
    String previous = MDC.get("callId");
    MDC.put("callId", id);
    try {
      r.run();
    } finally {
      if (previous == null) {
        MDC.remove("callId");
      } else {
        MDC.put("callId", previous);
      }
    }
  }
}
