package dev.patchbay.testkit.internal;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls: relay between users, the built-in parties, the media-allocation model (slots, FIFO
 * queue, 504), resume. Every method runs under the model's lock; timers take it themselves.
 */
final class CallRouter {
  private static final Logger LOG = LoggerFactory.getLogger(CallRouter.class);

  private final EdgeModel model;
  private final Map<String, EdgeCall> calls = new LinkedHashMap<>();
  private final Random random;
  Directory directory;

  CallRouter(EdgeModel model, long seed) {
    this.model = model;
    this.random = new Random(seed ^ 0x5DEECE66DL);
  }

  int size() {
    return calls.size();
  }

  java.util.Collection<EdgeCall> all() {
    return calls.values();
  }

  void describe(StringBuilder sb) {
    calls.values().forEach(c -> sb.append("\n  open ").append(c));
  }

  // ---- client frames ----------------------------------------------------------------------

  void invite(EdgeConnection c, Frames.Invite f) {
    EdgeCall existing = calls.get(f.callId());
    if (existing != null) {
      if (existing.isCaller(c.user)) {
        model.counters.inc("duplicateInvites");
        return;
      }
      error(c, f.callId(), 409, "callId is already in use by another call", null);
      return;
    }
    model.faults.onInvite(c, f.to());
    if (f.to().equals(c.user)) {
      error(c, f.callId(), 400, "a user cannot call themself", null);
      return;
    }
    BuiltInParty builtIn = BuiltInParty.byName(f.to());
    if (builtIn == null) {
      EdgeSettings.Client callee = directory == null ? null : directory.user(f.to());
      if (callee == null || !callee.tenant().equals(c.tenant)) {
        error(c, f.callId(), 404, "no such user in tenant " + c.tenant, null);
        return;
      }
    }
    EdgeCall call = new EdgeCall(f.callId(), c.tenant, c.user, f.to(), builtIn, f.sdp(), c);
    calls.put(call.id, call);
    model.counters.inc("calls");
    TenantRuntime t = model.tenant(c.tenant);
    switch (t.media.request(call)) {
      case GRANTED -> start(call);
      case QUEUED -> {
        model.counters.inc("queuedInvites");
        long ms = t.limits.negotiationTimeout().toMillis();
        call.timer = model.scheduler.schedule(() -> queueTimeout(call), ms, TimeUnit.MILLISECONDS);
      }
      case FULL -> {
        calls.remove(call.id);
        model.counters.inc("errors503");
        error(c, call.id, 503, "media allocation for tenant " + c.tenant + " is saturated",
            t.limits.retryAfter().toMillis());
      }
    }
  }

  void answer(EdgeConnection c, Frames.Answer f) {
    EdgeCall call = find(c, f.callId());
    if (call == null) {
      return;
    }
    if (call.state == EdgeCall.State.RINGING && !call.isCaller(c.user)) {
      call.cancelTimer();
      call.state = EdgeCall.State.ACTIVE;
      call.answerSdp = f.sdp();
      if (!call.fromEdge && candidatesFirst(call)) {
        // relayed after the callee's end-of-candidates (or a short wait), not before
        call.heldAnswer = f;
        call.heldAnswerFlush = schedule(Duration.ofMillis(HELD_ANSWER_MS),
            () -> flushHeldAnswer(call));
      } else {
        call.answerMissedByCaller = !sendTo(call.callerConn, f);
      }
      if (call.fromEdge) {
        String mid = Sdp.midOf(call.offerSdp);
        c.send(new Frames.Candidate(call.id, Sdp.hostCandidate(random), mid, 0, null));
        c.send(new Frames.Candidate(call.id, null, mid, 0, true));
      }
      becameActive(call);
    } else if (call.state == EdgeCall.State.ACTIVE) {
      if (call.builtIn == null) {
        relayTo(call, call.peerOf(c.user), f);
      }
    } else {
      error(c, f.callId(), 409, "unexpected answer while the call is " + call.state, null);
    }
  }

  void reject(EdgeConnection c, Frames.Reject f) {
    EdgeCall call = find(c, f.callId());
    if (call == null) {
      return;
    }
    if (call.state != EdgeCall.State.RINGING || call.isCaller(c.user)) {
      error(c, f.callId(), 409, "only the callee can reject a ringing call", null);
      return;
    }
    int status = f.status() == null ? 603 : f.status();
    String reason = f.reason() == null ? "declined" : f.reason();
    tellEnd(call.callerConn, new Frames.Error(call.id, status, reason, null));
    c.recordEnded(call.id, status, reason);
    end(call);
  }

  void candidate(EdgeConnection c, Frames.Candidate f) {
    EdgeCall call = find(c, f.callId());
    if (call == null || call.builtIn != null || call.state == EdgeCall.State.QUEUED) {
      return;
    }
    if (call.state == EdgeCall.State.RINGING && call.isCaller(c.user)) {
      call.keepOfferCandidate(f);
    }
    relayTo(call, call.peerOf(c.user), f);
    if (call.heldAnswer != null && !call.isCaller(c.user) && f.isEndOfCandidates()) {
      flushHeldAnswer(call);
    }
  }

  /** How long an answer held for {@code CandidatesBeforeAnswer} waits for end-of-candidates. */
  static final long HELD_ANSWER_MS = 200;

  private boolean candidatesFirst(EdgeCall call) {
    return call.callerConn != null
        && model.faults.conditionsOf(call.callerConn).candidatesFirst();
  }

  private void flushHeldAnswer(EdgeCall call) {
    Frame answer = call.heldAnswer;
    if (answer == null) {
      return;
    }
    call.heldAnswer = null;
    if (call.heldAnswerFlush != null) {
      call.heldAnswerFlush.cancel(false);
      call.heldAnswerFlush = null;
    }
    if (call.state == EdgeCall.State.ACTIVE) {
      call.answerMissedByCaller = !sendTo(call.callerConn, answer);
      if (call.answerMissedByCaller) {
        call.keepMissed(call.caller, answer);
      }
    }
  }

  /** Starts the calls a larger media capacity granted. */
  void granted(List<EdgeCall> calls) {
    calls.forEach(this::start);
  }

  void offer(EdgeConnection c, Frames.Offer f) {
    EdgeCall call = find(c, f.callId());
    if (call == null) {
      return;
    }
    if (call.state != EdgeCall.State.ACTIVE) {
      error(c, f.callId(), 409, "renegotiation needs an established call, but it is "
          + call.state, null);
      return;
    }
    if (call.builtIn != null || call.fromEdge) {
      c.send(new Frames.Answer(call.id, Sdp.answerTo(f.sdp(), random)));
    } else {
      relayTo(call, call.peerOf(c.user), f);
    }
  }

  void bye(EdgeConnection c, Frames.Bye f) {
    EdgeCall call = find(c, f.callId());
    if (call == null) {
      return;
    }
    notifyPeerOfEnd(call, c.user, f.reason());
    String reason = f.reason() == null ? "local-hangup" : f.reason();
    EdgeConnection bound = call.connOf(c.user);
    if (bound != null && bound != c) {
      bound.recordEnded(call.id, null, reason); // a bye sent on a new socket before resume
    }
    tellEnd(c, new Frames.Ended(call.id, f.reason()));
    end(call);
  }

  /**
   * Moves the named calls of the lost or draining connection to {@code c} and answers
   * {@code resumed} with one {@link Frames.CallStatus} per named call id (protocol §3.8), then
   * replays the relayed frames the user missed while away.
   */
  /**
   * How the user's call {@code id} ended, as recorded on the named old connection or any other
   * connection of the user the edge still keeps (the call may have ended on a later socket).
   */
  private Frames.CallStatus endedCallOf(String user, EdgeConnection old, String id) {
    if (old != null && old.endedCall(id) != null) {
      return old.endedCall(id);
    }
    for (EdgeConnection x : model.detached.values()) {
      if (x.user.equals(user) && x.endedCall(id) != null) {
        return x.endedCall(id);
      }
    }
    for (EdgeConnection x : model.liveConnectionsOf(user)) {
      if (x.endedCall(id) != null) {
        return x.endedCall(id);
      }
    }
    return null;
  }

  void resume(EdgeConnection c, Frames.Resume f) {
    model.counters.inc("resumes");
    EdgeConnection old = model.detached.get(f.connectionId());
    if (old == null) {
      old = model.liveConnectionsOf(c.user).stream()
          .filter(x -> x.id.equals(f.connectionId())).findFirst().orElse(null);
    }
    if (old != null && (!old.user.equals(c.user) || old == c)) {
      old = null;
    }
    List<String> resumed = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    List<Frames.CallStatus> statuses = new ArrayList<>();
    List<EdgeCall> moved = new ArrayList<>();
    for (String id : new LinkedHashSet<>(f.callIds())) {
      EdgeCall call = calls.get(id);
      boolean mine = call != null && call.isParty(c.user);
      EdgeConnection bound = mine ? call.connOf(c.user) : null;
      // a call of the user that the client names is moved from whichever of the user's
      // connections holds it: a resume sent on a socket lost before its answer arrived moved
      // it there, and the client cannot know that (naming a call id proves holding it)
      boolean elsewhere = bound != null && bound != c && bound != old;
      if (mine && ((old != null && bound == old) || elsewhere)) {
        if (call.isCaller(c.user)) {
          call.callerConn = c;
        } else {
          call.calleeConn = c;
        }
        moved.add(call);
        resumed.add(id);
        statuses.add(call.statusFor(c.user));
      } else if (mine && call.connOf(c.user) == c) {
        resumed.add(id); // e.g. re-invited on this socket before the resume
        statuses.add(call.statusFor(c.user));
      } else {
        Frames.CallStatus known = mine ? null : endedCallOf(c.user, old, id);
        ended.add(id);
        statuses.add(known != null ? known : new Frames.CallStatus(id, Frames.CallStatus.ENDED,
            null, null, mine ? "other-connection" : "unknown-call"));
      }
    }
    List<EdgeCall> reoffered = new ArrayList<>();
    if (old != null) {
      for (EdgeCall call : boundTo(old)) {
        if (!call.isCaller(c.user) && call.state == EdgeCall.State.RINGING) {
          // its incoming may have been lost with the old socket: offer it again
          call.calleeConn = c;
          reoffered.add(call);
          continue;
        }
        ended.add(call.id);
        statuses.add(new Frames.CallStatus(call.id, Frames.CallStatus.ENDED, null, null,
            "not-resumed"));
        lose(call, old.user, "not-resumed");
      }
      model.detached.remove(old.id);
    }
    for (Frames.CallStatus s : statuses) {
      // an end reported here is also this connection's news: if the socket is lost before the
      // client reads this resumed, the next resume (of either connection) reports it again
      if (Frames.CallStatus.ENDED.equals(s.state()) && s.reason() != null
          && !"unknown-call".equals(s.reason()) && !"other-connection".equals(s.reason())) {
        c.recordEnded(s.callId(), s.status(), s.reason());
      }
    }
    c.send(new Frames.Resumed(resumed, ended, statuses));
    for (EdgeCall call : moved) {
      if (call.isCaller(c.user)) {
        call.answerMissedByCaller = false; // reported in this resumed
      }
      List<Frame> missed = call.takeMissed(c.user);
      model.counters.add("missedFramesReplayed", missed.size());
      missed.forEach(c::send);
    }
    for (EdgeCall call : reoffered) {
      model.counters.inc("incomingReoffered");
      call.reoffer().forEach(c::send);
    }
  }

  // ---- edge-originated calls --------------------------------------------------------------

  private long edgeCallSeq;

  /** The edge calls a connected user as {@code from}; returns the callId. */
  String placeCall(String from, String toUser) {
    EdgeConnection callee = model.primaryConnectionOf(toUser);
    if (callee == null) {
      throw new IllegalStateException("user must be connected, but " + toUser + " is not");
    }
    String id = "edge-call-" + (++edgeCallSeq);
    EdgeCall call = new EdgeCall(id, callee.tenant, from, toUser, null, Sdp.offer(random), null);
    call.fromEdge = true;
    call.calleeConn = callee;
    call.state = EdgeCall.State.RINGING;
    calls.put(id, call);
    model.counters.inc("calls");
    model.counters.inc("callsFromEdge");
    callee.send(new Frames.Incoming(id, from, call.offerSdp));
    call.timer = schedule(model.settings.incomingTimeout(), () -> {
      if (call.state == EdgeCall.State.RINGING) {
        tellEnd(call.calleeConn, new Frames.Cancel(call.id, "timeout"));
        end(call);
      }
    });
    return id;
  }

  /** The edge's side of an edge-originated call hangs up; false if the call is gone. */
  boolean hangUp(String callId, String reason) {
    EdgeCall call = calls.get(callId);
    if (call == null || !call.fromEdge) {
      return false;
    }
    if (call.state == EdgeCall.State.RINGING) {
      tellEnd(call.calleeConn, new Frames.Cancel(call.id, reason));
    } else {
      tellEnd(call.calleeConn, new Frames.Bye(call.id, reason));
    }
    end(call);
    return true;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  private void start(EdgeCall call) {
    call.cancelTimer();
    call.state = EdgeCall.State.RINGING;
    EdgeConnection caller = call.callerConn;
    if (call.builtIn != null) {
      switch (call.builtIn) {
        case AUTO_ANSWER -> {
          sendTo(caller, new Frames.Ringing(call.id));
          answerAsBuiltIn(call);
        }
        case BUSY -> {
          tellEnd(caller, new Frames.Error(call.id, 486, "busy here", null));
          end(call);
        }
        case NO_ANSWER -> {
          sendTo(caller, new Frames.Ringing(call.id));
          call.timer = schedule(model.settings.noAnswerTimeout(), () -> {
            if (call.state == EdgeCall.State.RINGING) {
              tellEnd(call.callerConn, new Frames.Error(call.id, 480, "no answer", null));
              end(call);
            }
          });
        }
        case SLOW_ANSWER -> {
          sendTo(caller, new Frames.Ringing(call.id));
          call.timer = schedule(model.settings.slowAnswerDelay(), () -> answerAsBuiltIn(call));
        }
      }
      return;
    }
    EdgeConnection callee = model.primaryConnectionOf(call.callee);
    if (callee == null) {
      tellEnd(caller, new Frames.Error(call.id, 480, "the callee is not connected", null));
      end(call);
      return;
    }
    call.calleeConn = callee;
    callee.send(new Frames.Incoming(call.id, call.caller, call.offerSdp));
    sendTo(caller, new Frames.Ringing(call.id));
    call.timer = schedule(model.settings.incomingTimeout(), () -> {
      if (call.state == EdgeCall.State.RINGING) {
        tellEnd(call.calleeConn, new Frames.Cancel(call.id, "timeout"));
        tellEnd(call.callerConn, new Frames.Error(call.id, 480, "no answer", null));
        end(call);
      }
    });
  }

  private void answerAsBuiltIn(EdgeCall call) {
    if (call.state != EdgeCall.State.RINGING) {
      return;
    }
    call.state = EdgeCall.State.ACTIVE;
    String sdp = Sdp.answerTo(call.offerSdp, random);
    String mid = Sdp.midOf(call.offerSdp);
    Frame answer = new Frames.Answer(call.id, sdp);
    Frame cand = new Frames.Candidate(call.id, Sdp.hostCandidate(random), mid, 0, null);
    Frame done = new Frames.Candidate(call.id, null, mid, 0, true);
    call.answerSdp = sdp;
    if (candidatesFirst(call)) {
      relayTo(call, call.caller, cand);
      relayTo(call, call.caller, done);
      call.answerMissedByCaller = !sendTo(call.callerConn, answer);
    } else {
      call.answerMissedByCaller = !sendTo(call.callerConn, answer);
      relayTo(call, call.caller, cand);
      relayTo(call, call.caller, done);
    }
    becameActive(call);
  }

  private void becameActive(EdgeCall call) {
    model.counters.inc("callsAnswered");
    model.faults.onAnswer(call.id, call.fromEdge ? null : call.caller, call.callerConn,
        call.callee, call.calleeConn);
  }

  private void queueTimeout(EdgeCall call) {
    synchronized (model) {
      if (call.state != EdgeCall.State.QUEUED || !calls.containsKey(call.id)) {
        return;
      }
      model.counters.inc("errors504");
      TenantRuntime t = model.tenant(call.tenant);
      tellEnd(call.callerConn, new Frames.Error(call.id, 504,
          "media negotiation timed out after " + t.limits.negotiationTimeout().toMillis()
              + " ms waiting for a media slot", t.limits.retryAfter().toMillis()));
      end(call);
    }
  }

  /** Tells the other party that {@code user} ended the call. */
  private void notifyPeerOfEnd(EdgeCall call, String user, String reason) {
    if (call.builtIn != null || call.state == EdgeCall.State.QUEUED) {
      return;
    }
    EdgeConnection peer = call.peerConn(user);
    if (call.state == EdgeCall.State.RINGING && call.isCaller(user)) {
      tellEnd(peer, new Frames.Cancel(call.id, reason == null ? "caller-cancelled" : reason));
    } else {
      tellEnd(peer, new Frames.Bye(call.id, reason));
    }
  }

  private void lose(EdgeCall call, String user, String reason) {
    notifyPeerOfEnd(call, user, reason);
    EdgeConnection own = call.connOf(user);
    if (own != null) {
      own.recordEnded(call.id, null, reason);
    }
    end(call);
  }

  void end(EdgeCall call) {
    if (call.state == EdgeCall.State.ENDED) {
      return;
    }
    call.state = EdgeCall.State.ENDED;
    call.cancelTimer();
    calls.remove(call.id);
    model.counters.inc("callsEnded");
    EdgeCall next = model.tenant(call.tenant).media.release(call);
    if (next != null) {
      start(next);
    }
  }

  void onConnectionLost(EdgeConnection conn) {
    List<EdgeCall> bound = boundTo(conn);
    if (bound.isEmpty() && !conn.hasEndedCalls()) {
      return; // nothing a resume of this connection could report
    }
    Duration window = model.settings.resumeWindow();
    if (window.isZero()) {
      bound.forEach(call -> lose(call, conn.user, "connection-lost"));
      return;
    }
    model.detached.put(conn.id, conn);
    schedule(window, () -> {
      if (model.detached.remove(conn.id) != null) {
        boundTo(conn).forEach(call -> lose(call, conn.user, "connection-lost"));
      }
    });
  }

  private List<EdgeCall> boundTo(EdgeConnection conn) {
    List<EdgeCall> out = new ArrayList<>();
    for (EdgeCall call : calls.values()) {
      if (call.callerConn == conn || call.calleeConn == conn) {
        out.add(call);
      }
    }
    return out;
  }

  void endAll(String reason) {
    for (EdgeCall call : new ArrayList<>(calls.values())) {
      call.cancelTimer();
      call.state = EdgeCall.State.ENDED;
      model.tenant(call.tenant).media.release(call);
    }
    calls.clear();
    model.detached.clear();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private EdgeCall find(EdgeConnection c, String callId) {
    EdgeCall call = calls.get(callId);
    if (call == null || !call.isParty(c.user)) {
      model.counters.inc("unknownCallFrames");
      error(c, callId, 404, "no such call", null);
      return null;
    }
    return call;
  }

  private void error(EdgeConnection c, String callId, int status, String message, Long retryMs) {
    c.send(new Frames.Error(callId, status, message, retryMs));
  }

  /** Sends to an open connection; false when there is none (the party's socket is gone). */
  private static boolean sendTo(EdgeConnection conn, Frame frame) {
    if (conn != null && !conn.closed) {
      conn.send(frame);
      return true;
    }
    return false;
  }

  /**
   * Relays a call frame to {@code toUser}; if that party's socket is gone (waiting for a
   * resume) the call keeps the frame and replays it after the party's {@code resumed}.
   */
  private void relayTo(EdgeCall call, String toUser, Frame frame) {
    EdgeConnection conn = call.connOf(toUser);
    if (conn == null || sendTo(conn, frame)) {
      return;
    }
    if (!call.keepMissed(toUser, frame)) {
      model.counters.inc("missedFramesDropped");
    }
  }

  /**
   * Tells a party how its call ended ({@code error}, {@code bye}, {@code cancel} or
   * {@code ended}) and records it on that party's connection, so that a later {@code resume}
   * of that connection reports it even when the socket was gone.
   */
  private static void tellEnd(EdgeConnection conn, Frame frame) {
    if (conn == null) {
      return;
    }
    String callId = frame.callIdOrNull();
    if (frame instanceof Frames.Error e) {
      conn.recordEnded(callId, e.status(), e.message());
    } else if (frame instanceof Frames.Bye b) {
      conn.recordEnded(callId, null, b.reason() == null ? "remote-hangup" : b.reason());
    } else if (frame instanceof Frames.Cancel x) {
      conn.recordEnded(callId, null, x.reason() == null ? "cancelled" : x.reason());
    } else if (frame instanceof Frames.Ended e) {
      conn.recordEnded(callId, null, e.reason() == null ? "local-hangup" : e.reason());
    }
    sendTo(conn, frame);
  }

  private java.util.concurrent.ScheduledFuture<?> schedule(Duration d, Runnable r) {
    return model.scheduler.schedule(() -> {
      synchronized (model) {
        try {
          r.run();
        } catch (RuntimeException e) {
          model.counters.inc("serverErrors");
          LOG.error("fake edge timer failed", e);
        }
      }
    }, d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
