package dev.patchbay.testkit.internal;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
      sendTo(call.callerConn, f);
      if (call.fromEdge) {
        String mid = Sdp.midOf(call.offerSdp);
        c.send(new Frames.Candidate(call.id, Sdp.hostCandidate(random), mid, 0, null));
        c.send(new Frames.Candidate(call.id, null, mid, 0, true));
      }
      becameActive(call);
    } else if (call.state == EdgeCall.State.ACTIVE) {
      if (call.builtIn == null) {
        sendTo(call.peerConn(c.user), f);
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
    sendTo(call.callerConn, new Frames.Error(call.id, status,
        f.reason() == null ? "declined" : f.reason(), null));
    end(call);
  }

  void candidate(EdgeConnection c, Frames.Candidate f) {
    EdgeCall call = find(c, f.callId());
    if (call == null || call.builtIn != null || call.state == EdgeCall.State.QUEUED) {
      return;
    }
    sendTo(call.peerConn(c.user), f);
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
      sendTo(call.peerConn(c.user), f);
    }
  }

  void bye(EdgeConnection c, Frames.Bye f) {
    EdgeCall call = find(c, f.callId());
    if (call == null) {
      return;
    }
    notifyPeerOfEnd(call, c.user, f.reason());
    c.send(new Frames.Ended(call.id, f.reason()));
    end(call);
  }

  void resume(EdgeConnection c, Frames.Resume f) {
    model.counters.inc("resumes");
    EdgeConnection old = model.detached.get(f.connectionId());
    if (old == null) {
      old = model.liveConnectionsOf(c.user).stream()
          .filter(x -> x.id.equals(f.connectionId())).findFirst().orElse(null);
    }
    List<String> resumed = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    for (String id : f.callIds()) {
      EdgeCall call = calls.get(id);
      if (old != null && old.user.equals(c.user) && call != null && call.isParty(c.user)
          && call.connOf(c.user) == old) {
        if (call.isCaller(c.user)) {
          call.callerConn = c;
        } else {
          call.calleeConn = c;
        }
        resumed.add(id);
      } else {
        ended.add(id);
      }
    }
    if (old != null && old.user.equals(c.user)) {
      for (EdgeCall call : boundTo(old)) {
        ended.add(call.id);
        lose(call, old.user, "not-resumed");
      }
      model.detached.remove(old.id);
    }
    c.send(new Frames.Resumed(resumed, ended));
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
        sendTo(call.calleeConn, new Frames.Cancel(call.id, "timeout"));
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
      sendTo(call.calleeConn, new Frames.Cancel(call.id, reason));
    } else {
      sendTo(call.calleeConn, new Frames.Bye(call.id, reason));
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
          sendTo(caller, new Frames.Error(call.id, 486, "busy here", null));
          end(call);
        }
        case NO_ANSWER -> {
          sendTo(caller, new Frames.Ringing(call.id));
          call.timer = schedule(model.settings.noAnswerTimeout(), () -> {
            if (call.state == EdgeCall.State.RINGING) {
              sendTo(call.callerConn, new Frames.Error(call.id, 480, "no answer", null));
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
      sendTo(caller, new Frames.Error(call.id, 480, "the callee is not connected", null));
      end(call);
      return;
    }
    call.calleeConn = callee;
    callee.send(new Frames.Incoming(call.id, call.caller, call.offerSdp));
    sendTo(caller, new Frames.Ringing(call.id));
    call.timer = schedule(model.settings.incomingTimeout(), () -> {
      if (call.state == EdgeCall.State.RINGING) {
        sendTo(call.calleeConn, new Frames.Cancel(call.id, "timeout"));
        sendTo(call.callerConn, new Frames.Error(call.id, 480, "no answer", null));
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
    if (model.faults.candidatesBeforeAnswer) {
      sendTo(call.callerConn, cand);
      sendTo(call.callerConn, done);
      sendTo(call.callerConn, answer);
    } else {
      sendTo(call.callerConn, answer);
      sendTo(call.callerConn, cand);
      sendTo(call.callerConn, done);
    }
    becameActive(call);
  }

  private void becameActive(EdgeCall call) {
    model.counters.inc("callsAnswered");
    for (EdgeConnection conn : new EdgeConnection[] {call.callerConn, call.calleeConn}) {
      if (conn != null && model.faults.dropOnAnswer.remove(conn.user) != null) {
        model.counters.inc("faultDrops");
        model.scheduler.schedule(conn::disconnect, 50, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void queueTimeout(EdgeCall call) {
    synchronized (model) {
      if (call.state != EdgeCall.State.QUEUED || !calls.containsKey(call.id)) {
        return;
      }
      model.counters.inc("errors504");
      TenantRuntime t = model.tenant(call.tenant);
      sendTo(call.callerConn, new Frames.Error(call.id, 504,
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
      sendTo(peer, new Frames.Cancel(call.id, reason == null ? "caller-cancelled" : reason));
    } else {
      sendTo(peer, new Frames.Bye(call.id, reason));
    }
  }

  private void lose(EdgeCall call, String user, String reason) {
    notifyPeerOfEnd(call, user, reason);
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
    if (bound.isEmpty()) {
      return;
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

  private static void sendTo(EdgeConnection conn, Frame frame) {
    if (conn != null && !conn.closed) {
      conn.send(frame);
    }
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
