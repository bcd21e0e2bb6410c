package dev.patchbay.internal.media;

import dev.patchbay.internal.Errors;
import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One call's session of the {@link SignalingOnlyMediaEngine}. State is guarded by {@code this}. */
final class SignalingOnlySession implements MediaSession {
  private static final Logger LOG = LoggerFactory.getLogger(SignalingOnlySession.class);
  static final String HOST_CANDIDATE = "candidate:1 1 udp 2122260223 127.0.0.1 9 typ host generation 0";

  private final SignalingOnlyMediaEngine engine;
  private final String callId;
  private final Listener listener;
  private final long sessionId = SignalingOnlySdp.newSessionId();
  private final String fingerprint = SignalingOnlySdp.fingerprint();

  private MediaState state = MediaState.NEW;
  private boolean closed;
  private boolean localOfferPending;
  private boolean remoteDescription;
  private int bufferedCandidates;
  private int appliedCandidates;
  private long version;
  private SignalingOnlySdp.IceCredentials ice = SignalingOnlySdp.IceCredentials.random();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final Object emitLock = new Object();
  private final List<MediaState> stateBatch = new ArrayList<>();

  SignalingOnlySession(SignalingOnlyMediaEngine engine, String callId, Listener listener) {
    this.engine = engine;
    this.callId = callId;
    this.listener = listener;
  }

  @Override
  public String callId() {
    return callId;
  }

  @Override
  public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
    return onEngine(() -> {
      String sdp;
      synchronized (this) {
        if (iceRestart) {
          ice = SignalingOnlySdp.IceCredentials.random();
        }
        sdp = SignalingOnlySdp.build(sessionId, version++, ice, fingerprint, "actpass");
        localOfferPending = true;
      }
      return SessionDescription.offer(sdp);
    }, true);
  }

  @Override
  public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
    if (offer == null || offer.type() != SessionDescription.Type.OFFER) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("offer must be an OFFER, but was " + offer));
    }
    return onEngine(() -> {
      validate(offer);
      String sdp;
      synchronized (this) {
        if (offer.sdp().contains("a=ice-ufrag:") && remoteDescription) {
          ice = SignalingOnlySdp.IceCredentials.random(); // new remote generation: answer with ours
        }
        sdp = SignalingOnlySdp.build(sessionId, version++, ice, fingerprint, "active");
        localOfferPending = false;
        applyRemoteDescription();
      }
      setState(MediaState.CONNECTING);
      setState(MediaState.CONNECTED);
      return SessionDescription.answer(sdp);
    }, true);
  }

  @Override
  public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
    if (answer == null || answer.type() != SessionDescription.Type.ANSWER) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("answer must be an ANSWER, but was " + answer));
    }
    return onEngine(() -> {
      validate(answer);
      synchronized (this) {
        if (!localOfferPending) {
          throw new IllegalStateException("no local offer is pending for call " + callId);
        }
        localOfferPending = false;
        applyRemoteDescription();
      }
      setState(MediaState.CONNECTING);
      setState(MediaState.CONNECTED);
      return null;
    }, false);
  }

  @Override
  public synchronized void addRemoteCandidate(IceCandidate candidate) {
    if (closed || candidate == null) {
      return;
    }
    if (remoteDescription) {
      appliedCandidates++;
    } else {
      bufferedCandidates++;
    }
  }

  @Override
  public void endOfRemoteCandidates() {
    // nothing to do without ICE
  }

  @Override
  public synchronized MediaState state() {
    return state;
  }

  /** Buffered candidates that were applied once the remote description arrived; for tests. */
  synchronized int appliedCandidates() {
    return appliedCandidates;
  }

  @Override
  public CompletableFuture<Void> close() {
    synchronized (this) {
      if (closed) {
        return closeFuture;
      }
      closed = true;
      state = MediaState.CLOSED;
    }
    synchronized (emitLock) { // waits for a listener call in progress; none can start now
      released();
    }
    return closeFuture;
  }

  private void released() {
    engine.released(this);
    closeFuture.complete(null);
  }

  private void applyRemoteDescription() {
    remoteDescription = true;
    appliedCandidates += bufferedCandidates;
    bufferedCandidates = 0;
  }

  private void validate(SessionDescription d) {
    if (!SignalingOnlySdp.looksValid(d.sdp())) {
      throw Errors.protocol("the remote " + d.type().name().toLowerCase(java.util.Locale.ROOT)
          + " is not an SDP with a media section (" + d.sdp().length() + " chars)");
    }
  }

  /**
   * Runs {@code step} at once on the caller's thread (there is no media stack to wait for) and
   * returns a completed future; listener calls it causes go to the engine thread.
   */
  private <T> CompletableFuture<T> onEngine(Supplier<T> step, boolean trickle) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(
          Errors.closed("media session of call " + callId + " is closed"));
    }
    T value;
    try {
      value = step.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<MediaState> states;
    synchronized (this) {
      states = new ArrayList<>(stateBatch);
      stateBatch.clear();
    }
    if (trickle || !states.isEmpty()) { // one engine task for everything this step caused
      engine.execute(() -> {
        for (MediaState st : states) {
          emit(() -> listener.onStateChange(st));
        }
        if (trickle) {
          emit(() -> listener.onLocalCandidate(new IceCandidate("0", 0, HOST_CANDIDATE)));
          emit(listener::onLocalCandidatesComplete);
        }
      });
    }
    return CompletableFuture.completedFuture(value);
  }

  /** Called inside a step; the listener hears of it with the step's other events. */
  private synchronized void setState(MediaState next) {
    if (closed || state == next) {
      return;
    }
    state = next;
    stateBatch.add(next);
  }

  /**
   * Calls the listener unless closed, holding the emit lock so that once {@link #close()} has
   * taken it no listener call can follow. Listeners must not block (MediaSession contract).
   */
  private void emit(Runnable call) {
    synchronized (emitLock) {
      if (isClosed()) {
        return;
      }
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.warn("media listener of call {} threw; ignored", callId, e);
      }
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "SignalingOnlySession{callId=" + callId + ", state=" + state() + '}';
  }
}
