package dev.patchbay.internal.call;

import dev.patchbay.Call;
import dev.patchbay.CallFailedException;
import dev.patchbay.CallState;
import dev.patchbay.ClosedException;
import dev.patchbay.EndReason;
import dev.patchbay.IceCandidate;
import dev.patchbay.IncomingCall;
import dev.patchbay.MediaSession;
import dev.patchbay.MediaState;
import dev.patchbay.PatchbayException;
import dev.patchbay.SessionDescription;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.concurrent.AppFuture;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.RetryAfter;
import dev.patchbay.internal.retry.Retrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The state machine of one call. Every method that changes state runs on the user agent's
 * actor; the public getters read volatile fields. One release path ({@link #release}) closes
 * the media, frees the negotiation permit, cancels the phase timer and completes the futures.
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

  // actor-confined
  private MediaSession media;
  private String offerSdp; // outbound: our offer (resent on invite retries); inbound: remote offer
  private int inviteAttempts;
  private long firstInviteNanos;
  private Permit negotiation = Permit.NONE;
  private Future<?> phaseTimer;
  private int phase; // generation of the phase timer
  private boolean signalingStarted;
  private final List<Frame> pendingLocalCandidates = new ArrayList<>();
  private boolean renegotiating;
  private boolean releasing;
  private boolean edgeKnowsCall;
  private boolean retryPending;

  private RealCall(CallHost host, String id, Direction direction, String remote, CallState initial) {
    this.host = host;
    this.id = id;
    this.direction = direction;
    this.remote = remote;
    this.state = initial;
    this.ended = new AppFuture<>(host.callbackExecutor());
  }

  /** A new outbound call; {@link #dial} starts it. */
  public static RealCall outbound(CallHost host, String id, String to) {
    return new RealCall(host, id, Direction.OUTBOUND, to, CallState.NEW);
  }

  /** An incoming call offered by the edge, ringing. */
  public static RealCall inbound(CallHost host, Frames.Incoming incoming) {
    RealCall c = new RealCall(host, incoming.callId(), Direction.INBOUND, incoming.from(),
        CallState.RINGING);
    c.offerSdp = incoming.sdp();
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
    host.actor().execute(() -> inCall(this::doHangUp));
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
    host.actor().execute(() -> inCall(() -> doAccept(f)));
    return f;
  }

  @Override
  public CompletableFuture<Void> reject(int status, String reason) {
    if (status < 400 || status > 699) {
      throw new IllegalArgumentException("status must be 400-699, but was " + status);
    }
    host.actor().execute(() -> inCall(() -> doReject(status, reason)));
    return ended;
  }

  /** Completes on the actor once the call is terminal and released. */
  public CompletableFuture<Void> releasedInternal() {
    return releasedInternal;
  }

  @Override
  public String toString() {
    return "Call{" + id + ", " + direction + ", " + state + (endReason == null ? "" : ", " + endReason)
        + '}';
  }

  // ------------------------------------------------------------------ actor: outbound

  /** Starts an outbound call; {@code result} completes when media is connected. */
  public void dial(CompletableFuture<Call> result) {
    inCall(() -> {
      setup = result;
      host.events().callStart(host.tenant(), host.userId(), id, direction);
      startPhase(host.options().inviteTimeout(), "waiting for a connection and a negotiation slot");
      host.whenConnected()
          .thenCompose(v -> host.acquireNegotiation())
          .whenCompleteAsync((permit, error) -> inCall(() -> {
            if (error != null) {
              fail(EndReason.CLOSED, asPatchbay(Retrier.unwrap(error), "dial failed"), false);
              return;
            }
            if (releasing) {
              permit.release();
              return;
            }
            negotiation = permit;
            createMediaAndOffer();
          }), host.actor());
    });
  }

  private void createMediaAndOffer() {
    try {
      media = host.createMedia(id, new MediaListener());
    } catch (PatchbayException e) {
      fail(EndReason.MEDIA_FAILED, e, false);
      return;
    }
    media.createOffer(false).whenCompleteAsync((offer, error) -> inCall(() -> {
      if (releasing) {
        return;
      }
      if (error != null) {
        fail(EndReason.MEDIA_FAILED, asPatchbay(Retrier.unwrap(error), "creating the offer failed"),
            false);
        return;
      }
      offerSdp = offer.sdp();
      firstInviteNanos = System.nanoTime();
      sendInvite();
    }), host.actor());
  }

  private void sendInvite() {
    inviteAttempts++;
    setState(CallState.DIALING);
    startPhase(host.options().inviteTimeout(), "waiting for the edge to answer the invite");
    edgeKnowsCall = true;
    retryPending = false;
    if (!host.send(new Frames.Invite(id, remote, offerSdp))) {
      LOG.debug("invite {} not sent: signaling is down; waiting for the reconnect", inviteAttempts);
    }
    // Local candidates wait for ringing/answer: the edge drops candidates of an invite that is
    // still queued for a media slot, and progress proves the slot.
  }

  private void onEdgeError(Frames.Error error) {
    int status = error.status();
    boolean setupPhase = state == CallState.DIALING || state == CallState.RINGING
        || state == CallState.NEW;
    if (!setupPhase) {
      LOG.warn("edge reported {} for call in state {}: {}", status, state, safe(error.message()));
      if (status == 404 && (state == CallState.CONNECTING || state == CallState.ACTIVE)) {
        edgeKnowsCall = false; // the edge no longer has this call: it is over
        fail(EndReason.EDGE_ERROR, callFailed("the edge no longer knows call " + id + " (404)",
            status, false, null), false);
      }
      return;
    }
    if (retryPending) {
      LOG.debug("ignoring error {} while the invite waits for its retry", status);
      return;
    }
    Optional<Duration> retryAfter = RetryAfter.ofMillis(error.retryAfterMs());
    if ((status == 503 || status == 504) && direction == Direction.OUTBOUND
        && inviteAttempts < host.options().inviteRetry().maxAttempts()) {
      Duration delay = host.inviteBackoff().delay(inviteAttempts - 1, retryAfter);
      long elapsed = System.nanoTime() - firstInviteNanos;
      if (elapsed + delay.toNanos() <= host.options().inviteRetry().deadline().toNanos()) {
        LOG.info("invite answered with {}; retrying the same call id in {} ms (attempt {})",
            status, delay.toMillis(), inviteAttempts + 1);
        host.events().retryScheduledForCall(host.tenant(), host.userId(), inviteAttempts, delay,
            callFailed("invite answered with " + status, status, true, retryAfter.orElse(null)));
        edgeKnowsCall = false; // the error ended the call on the edge
        retryPending = true;
        int gen = ++phase;
        cancelPhaseTimer();
        phaseTimer = host.schedule(delay, () -> inCall(() -> {
          if (gen == phase && !releasing && state == CallState.DIALING) {
            sendInvite();
          }
        }));
        return;
      }
    }
    EndReason reason = switch (status) {
      case 486, 600 -> EndReason.BUSY;
      case 480, 408 -> EndReason.NO_ANSWER;
      case 603, 403 -> EndReason.DECLINED;
      case 503, 504 -> EndReason.MEDIA_UNAVAILABLE;
      default -> status >= 600 ? EndReason.DECLINED : EndReason.EDGE_ERROR;
    };
    boolean retryable = status == 503 || status == 504 || status == 480;
    String message = "call to " + remote + " failed with " + status + " " + reason
        + " after " + inviteAttempts + " attempt" + (inviteAttempts == 1 ? "" : "s");
    edgeKnowsCall = false; // an error ends the call on the edge
    fail(reason, callFailed(message, status, retryable, retryAfter.orElse(null)), false);
  }

  // ------------------------------------------------------------------ actor: inbound

  /** An incoming call was offered: start its ringing deadline and tell the app. */
  public void offered(Consumer<IncomingCall> handler) {
    inCall(() -> {
      host.events().callStart(host.tenant(), host.userId(), id, direction);
      startPhase(host.options().ringTimeout(), "waiting for the app to accept the call");
      if (handler == null) {
        LOG.info("no incoming-call handler: rejecting with 480");
        doReject(480, "no handler");
        return;
      }
      host.toApp(() -> handler.accept(this));
    });
  }

  private void doAccept(CompletableFuture<Call> f) {
    if (state != CallState.RINGING || releasing) {
      f.completeExceptionally(callFailed("call " + id + " cannot be accepted in state " + state
          + (endReason == null ? "" : " (" + endReason + ")"), 0, false, null));
      return;
    }
    setup = f;
    try {
      media = host.createMedia(id, new MediaListener());
    } catch (PatchbayException e) {
      fail(EndReason.MEDIA_FAILED, e, true);
      return;
    }
    setState(CallState.CONNECTING);
    startPhase(host.options().mediaTimeout(), "waiting for media to connect");
    media.acceptOffer(SessionDescription.offer(offerSdp)).whenCompleteAsync((answer, error) ->
        inCall(() -> {
          if (releasing) {
            return;
          }
          if (error != null) {
            fail(EndReason.MEDIA_FAILED, asPatchbay(Retrier.unwrap(error),
                "the caller's offer could not be accepted"), true);
            return;
          }
          host.send(new Frames.Answer(id, answer.sdp()));
          startSignaling();
          if (media.state() == MediaState.CONNECTED) {
            becomeActive();
          }
        }), host.actor());
  }

  private void doReject(int status, String reason) {
    if (state != CallState.RINGING || releasing) {
      return;
    }
    host.send(new Frames.Reject(id, status, reason));
    edgeKnowsCall = false;
    release(CallState.ENDED, EndReason.REJECTED, null);
  }

  // ------------------------------------------------------------------ actor: frames

  /** A frame for this call arrived from the edge. */
  public void onFrame(Frame frame) {
    inCall(() -> {
      if (releasing) {
        LOG.debug("ignoring {} for a call being released", frame.type());
        return;
      }
      if (frame instanceof Frames.Ringing) {
        if (state == CallState.DIALING && !retryPending) {
          startSignaling();
          setState(CallState.RINGING);
          startPhase(host.options().ringTimeout(), "waiting for the callee to answer");
        }
      } else if (frame instanceof Frames.Answer a) {
        onAnswer(a);
      } else if (frame instanceof Frames.Candidate c) {
        onRemoteCandidate(c);
      } else if (frame instanceof Frames.Offer o) {
        onRemoteOffer(o);
      } else if (frame instanceof Frames.Error e) {
        onEdgeError(e);
      } else if (frame instanceof Frames.Bye) {
        edgeKnowsCall = false;
        release(CallState.ENDED, EndReason.REMOTE_HANGUP, null);
      } else if (frame instanceof Frames.Ended) {
        edgeKnowsCall = false;
        release(CallState.ENDED,
            state == CallState.ENDING ? EndReason.LOCAL_HANGUP : EndReason.REMOTE_HANGUP, null);
      } else if (frame instanceof Frames.Cancel) {
        edgeKnowsCall = false;
        release(CallState.ENDED, state == CallState.RINGING && direction == Direction.INBOUND
            ? EndReason.CANCELLED : EndReason.REMOTE_HANGUP, null);
      } else {
        LOG.debug("ignoring unexpected {} frame", frame.type());
      }
    });
  }

  private void onAnswer(Frames.Answer a) {
    if (direction != Direction.OUTBOUND && !renegotiating) {
      return;
    }
    if ((state == CallState.DIALING && !retryPending) || state == CallState.RINGING) {
      startSignaling();
      negotiation.release();
      negotiation = Permit.NONE;
      setState(CallState.CONNECTING);
      startPhase(host.options().mediaTimeout(), "waiting for media to connect");
      media.acceptAnswer(SessionDescription.answer(a.sdp())).whenCompleteAsync((v, error) ->
          inCall(() -> {
            if (releasing) {
              return;
            }
            if (error != null) {
              fail(EndReason.MEDIA_FAILED, asPatchbay(Retrier.unwrap(error),
                  "the callee's answer could not be applied"), true);
            } else if (media.state() == MediaState.CONNECTED) {
              becomeActive();
            }
          }), host.actor());
    } else if (renegotiating && (state == CallState.ACTIVE || state == CallState.CONNECTING)) {
      renegotiating = false;
      media.acceptAnswer(SessionDescription.answer(a.sdp())).exceptionally(e -> {
        LOG.warn("renegotiation answer could not be applied: {}", Retrier.unwrap(e).toString());
        return null;
      });
    } else {
      LOG.debug("ignoring duplicate answer in state {}", state);
    }
  }

  private void onRemoteCandidate(Frames.Candidate c) {
    if (media == null) {
      LOG.debug("candidate before the media session exists; dropped");
      return;
    }
    if (c.isEndOfCandidates()) {
      media.endOfRemoteCandidates();
      return;
    }
    try {
      media.addRemoteCandidate(new IceCandidate(c.sdpMid(),
          c.sdpMLineIndex() == null ? 0 : c.sdpMLineIndex(), c.candidate()));
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring an invalid remote candidate: {}", e.getMessage());
    }
  }

  private void onRemoteOffer(Frames.Offer o) {
    if (media == null || !(state == CallState.ACTIVE || state == CallState.CONNECTING)) {
      LOG.debug("ignoring a renegotiation offer in state {}", state);
      return;
    }
    media.acceptOffer(SessionDescription.offer(o.sdp())).whenCompleteAsync((answer, error) ->
        inCall(() -> {
          if (releasing) {
            return;
          }
          if (error != null) {
            LOG.warn("renegotiation offer could not be accepted: {}",
                Retrier.unwrap(error).toString());
            return;
          }
          host.send(new Frames.Answer(id, answer.sdp()));
        }), host.actor());
  }

  // ------------------------------------------------------------------ actor: media events

  private final class MediaListener implements MediaSession.Listener {
    @Override
    public void onLocalCandidate(IceCandidate c) {
      host.actor().execute(() -> inCall(() -> sendCandidate(new Frames.Candidate(id,
          c.candidate(), c.sdpMid(), c.sdpMLineIndex(), null))));
    }

    @Override
    public void onLocalCandidatesComplete() {
      host.actor().execute(() -> inCall(() -> sendCandidate(
          new Frames.Candidate(id, null, null, null, true))));
    }

    @Override
    public void onStateChange(MediaState s) {
      host.actor().execute(() -> inCall(() -> onMediaState(s)));
    }

    @Override
    public void onNegotiationNeeded(boolean iceRestart) {
      host.actor().execute(() -> inCall(() -> renegotiate(iceRestart)));
    }
  }

  private void sendCandidate(Frame f) {
    if (releasing) {
      return;
    }
    if (signalingStarted) {
      host.send(f);
    } else {
      pendingLocalCandidates.add(f);
    }
  }

  private void startSignaling() {
    if (signalingStarted) {
      return;
    }
    signalingStarted = true;
    for (Frame f : pendingLocalCandidates) {
      host.send(f);
    }
    pendingLocalCandidates.clear();
  }

  private void onMediaState(MediaState s) {
    if (releasing) {
      return;
    }
    switch (s) {
      case CONNECTED -> {
        if (state == CallState.CONNECTING && signalingStarted) {
          becomeActive();
        }
      }
      case FAILED -> fail(EndReason.MEDIA_FAILED,
          callFailed("media of call " + id + " failed", 0, false, null), true);
      default -> LOG.debug("media state {}", s);
    }
  }

  private void renegotiate(boolean iceRestart) {
    if (releasing || media == null || state != CallState.ACTIVE) {
      return;
    }
    media.createOffer(iceRestart).whenCompleteAsync((offer, error) -> inCall(() -> {
      if (releasing || error != null) {
        return;
      }
      renegotiating = true;
      host.send(new Frames.Offer(id, offer.sdp(), iceRestart ? Boolean.TRUE : null));
    }), host.actor());
  }

  private void becomeActive() {
    if (state != CallState.CONNECTING) {
      return;
    }
    cancelPhaseTimer();
    setState(CallState.ACTIVE);
    host.events().callActive(host.tenant(), host.userId(), id,
        Duration.ofNanos(System.nanoTime() - startNanos));
    CompletableFuture<Call> f = setup;
    if (f != null) {
      f.complete(this); // an AppFuture: wakes a blocked app thread, dependents run on the app's
    }
  }

  // ------------------------------------------------------------------ actor: ending

  private void doHangUp() {
    if (releasing || state == CallState.ENDING) {
      return;
    }
    if (direction == Direction.INBOUND && state == CallState.RINGING) {
      doReject(603, "declined");
      return;
    }
    if (!edgeKnowsCall) {
      release(CallState.ENDED, EndReason.LOCAL_HANGUP, null);
      return;
    }
    if (!host.send(new Frames.Bye(id, "hangup"))) {
      release(CallState.ENDED, EndReason.LOCAL_HANGUP, null); // signaling gone: release anyway
      return;
    }
    setState(CallState.ENDING);
    int gen = ++phase;
    cancelPhaseTimer();
    phaseTimer = host.schedule(host.options().hangupTimeout(), () -> inCall(() -> {
      if (gen == phase && !releasing) {
        LOG.info("edge did not confirm the hang-up within {}; releasing anyway",
            host.options().hangupTimeout());
        release(CallState.ENDED, EndReason.LOCAL_HANGUP, null);
      }
    }));
  }

  /** The user agent is closing or lost its connection for good: end at once. */
  public void terminate(EndReason reason, PatchbayException cause) {
    inCall(() -> {
      if (releasing) {
        return;
      }
      if (reason == EndReason.CLOSED && edgeKnowsCall && host.send(new Frames.Bye(id, "closed"))) {
        edgeKnowsCall = false;
      }
      if (reason == EndReason.CLOSED && state == CallState.ACTIVE) {
        release(CallState.ENDED, reason, null);
      } else {
        fail(reason, cause, false);
      }
    });
  }

  /** The agent reconnected but the edge did not resume this call. */
  public void notResumed() {
    inCall(() -> {
      edgeKnowsCall = false;
      fail(EndReason.CONNECTION_LOST, callFailed("call " + id
          + " was not resumed after the reconnect", 0, false, null), false);
    });
  }

  public boolean isLive() {
    return !releasing;
  }

  private void fail(EndReason reason, PatchbayException cause, boolean sendBye) {
    if (releasing) {
      return;
    }
    if (sendBye && edgeKnowsCall) {
      host.send(new Frames.Bye(id, reason.name().toLowerCase(java.util.Locale.ROOT)));
      edgeKnowsCall = false;
    } else if (edgeKnowsCall && direction == Direction.OUTBOUND && reason == EndReason.TIMEOUT) {
      host.send(new Frames.Bye(id, "timeout"));
      edgeKnowsCall = false;
    } else if (edgeKnowsCall && direction == Direction.INBOUND && state == CallState.RINGING) {
      host.send(new Frames.Reject(id, 480, reason.name().toLowerCase(java.util.Locale.ROOT)));
      edgeKnowsCall = false;
    }
    release(CallState.FAILED, reason, cause);
  }

  /** The one release path: timers, permit, media, counters, futures, listeners. */
  private void release(CallState terminal, EndReason reason, PatchbayException cause) {
    if (releasing) {
      return;
    }
    releasing = true;
    phase++;
    cancelPhaseTimer();
    negotiation.release();
    negotiation = Permit.NONE;
    pendingLocalCandidates.clear();
    MediaSession m = media;
    CompletableFuture<Void> mediaClosed = m == null ? CompletableFuture.completedFuture(null)
        : m.close().exceptionally(e -> null);
    mediaClosed.whenCompleteAsync((v, e) -> inCall(() -> {
      failure = cause;
      endReason = reason;
      setState(terminal);
      host.events().callEnd(host.tenant(), host.userId(), id, terminal, reason,
          Duration.ofNanos(System.nanoTime() - startNanos));
      host.released(this);
      CompletableFuture<Call> f = setup;
      PatchbayException err = cause != null ? cause
          : callFailed("call " + id + " ended (" + reason + ") before it was connected", 0, false,
              null);
      if (f != null) {
        f.completeExceptionally(err);
      }
      ended.complete(null);
      releasedInternal.complete(null);
    }), host.actor());
  }

  // ------------------------------------------------------------------ helpers

  private void setState(CallState next) {
    if (state == next) {
      return;
    }
    state = next;
    LOG.debug("call state {}", next);
    for (Consumer<CallState> l : listeners) {
      host.toApp(() -> l.accept(next));
    }
  }

  private void startPhase(Duration deadline, String what) {
    int gen = ++phase;
    cancelPhaseTimer();
    phaseTimer = host.schedule(deadline, () -> inCall(() -> {
      if (gen != phase || releasing) {
        return;
      }
      LOG.info("call phase timed out after {}: {}", deadline, what);
      fail(EndReason.TIMEOUT, callFailed("call " + id + " timed out after " + deadline + " "
          + what + " (state " + state + ", " + inviteAttempts + " invite attempt"
          + (inviteAttempts == 1 ? "" : "s") + ")", 0, true, null), false);
    }));
  }

  private void cancelPhaseTimer() {
    Future<?> t = phaseTimer;
    phaseTimer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  private CallFailedException callFailed(String message, int status, boolean retryable,
      Duration retryAfter) {
    return new CallFailedException(id, message, status, inviteAttempts, retryable, retryAfter, null);
  }

  private PatchbayException asPatchbay(Throwable t, String what) {
    if (t instanceof CallFailedException c) {
      return c;
    }
    if (t instanceof ClosedException c) {
      return new CallFailedException(id, what + ": " + c.getMessage(), 0, inviteAttempts, false,
          null, c);
    }
    return new CallFailedException(id, what + ": " + t.getMessage(), 0, inviteAttempts,
        t instanceof PatchbayException p && p.retryable(), null, t);
  }

  private static String safe(String s) {
    if (s == null) {
      return "";
    }
    String cut = s.length() > 120 ? s.substring(0, 120) + "…" : s;
    return cut.replaceAll("[\\p{Cntrl}]", "?");
  }

  /** Runs {@code r} with the call id in the MDC. */
  private void inCall(Runnable r) {
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
