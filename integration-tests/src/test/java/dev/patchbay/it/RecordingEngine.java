package dev.patchbay.it;

import dev.patchbay.media.IceCandidate;
import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.media.SessionDescription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The signaling-only engine, wrapped so a test can see what the SDK asked of each session and
 * can make a session ask for renegotiation (as a real engine does on an ICE failure).
 */
final class RecordingEngine implements MediaEngine {
  /** What happened to one session. */
  static final class Session {
    final String callId;
    final MediaSession.Listener listener;
    final AtomicInteger offers = new AtomicInteger();
    final AtomicInteger acceptedOffers = new AtomicInteger();
    final AtomicInteger acceptedAnswers = new AtomicInteger();
    final List<IceCandidate> remoteCandidates = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    Session(String callId, MediaSession.Listener listener) {
      this.callId = callId;
      this.listener = listener;
    }

    /** As an engine would on an ICE failure: ask the SDK for an ICE-restart offer. */
    void requestIceRestart() {
      listener.onNegotiationNeeded(true);
    }
  }

  private final MediaEngine inner = MediaEngines.signalingOnly();
  final Map<String, List<Session>> sessions = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public MediaSession createSession(String callId, IcePolicy policy, MediaSession.Listener l) {
    Session record = new Session(callId, l);
    MediaSession s = inner.createSession(callId, policy, l);
    sessions.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).add(record);
    return new MediaSession() {
      @Override
      public String callId() {
        return callId;
      }

      @Override
      public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
        record.offers.incrementAndGet();
        return s.createOffer(iceRestart);
      }

      @Override
      public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
        record.acceptedOffers.incrementAndGet();
        return s.acceptOffer(offer);
      }

      @Override
      public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
        record.acceptedAnswers.incrementAndGet();
        return s.acceptAnswer(answer);
      }

      @Override
      public void addRemoteCandidate(IceCandidate candidate) {
        record.remoteCandidates.add(candidate);
        s.addRemoteCandidate(candidate);
      }

      @Override
      public void endOfRemoteCandidates() {
        s.endOfRemoteCandidates();
      }

      @Override
      public MediaState state() {
        return s.state();
      }

      @Override
      public CompletableFuture<Void> close() {
        record.closed = true;
        return s.close();
      }
    };
  }

  Session session(String callId, int index) {
    return sessions.get(callId).get(index);
  }

  @Override
  public int openSessions() {
    return inner.openSessions();
  }

  @Override
  public void close() {
    inner.close();
  }
}
