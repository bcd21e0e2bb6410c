package dev.patchbay.testkit.internal;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/** One call on the edge. Guarded by the model's lock. */
final class EdgeCall {
  enum State { QUEUED, RINGING, ACTIVE, ENDED }

  /** Relayed frames kept per absent party for replay after its resume (oldest dropped). */
  static final int MAX_MISSED_FRAMES = 64;

  final String id;
  final String tenant;
  final String caller;
  final String callee;
  final BuiltInParty builtIn;
  final String offerSdp;
  EdgeConnection callerConn;
  EdgeConnection calleeConn;
  State state = State.QUEUED;
  boolean holdsSlot;
  /** Placed by the edge itself ({@code FakeEdge.placeCall}): only the callee is a user. */
  boolean fromEdge;
  ScheduledFuture<?> timer;
  /** The callee's answer to the caller's offer, once answered (for {@code resumed}). */
  String answerSdp;
  /** True when the answer could not be written to the caller (its socket was gone). */
  boolean answerMissedByCaller;
  /** The callee's answer held back until its candidates went first (a fault), or null. */
  Frame heldAnswer;
  ScheduledFuture<?> heldAnswerFlush;
  /**
   * The caller's candidates relayed while the call rang: offered again with the
   * {@code incoming} when the callee's socket is lost before it answered (protocol §3.8).
   */
  private final Deque<Frame> offerCandidates = new ArrayDeque<>();
  private final Deque<Frame> missedByCaller = new ArrayDeque<>();
  private final Deque<Frame> missedByCallee = new ArrayDeque<>();

  EdgeCall(String id, String tenant, String caller, String callee, BuiltInParty builtIn,
      String offerSdp, EdgeConnection callerConn) {
    this.id = id;
    this.tenant = tenant;
    this.caller = caller;
    this.callee = callee;
    this.builtIn = builtIn;
    this.offerSdp = offerSdp;
    this.callerConn = callerConn;
  }

  boolean isParty(String user) {
    if (fromEdge) {
      return callee.equals(user);
    }
    return caller.equals(user) || (builtIn == null && callee.equals(user));
  }

  boolean isCaller(String user) {
    return !fromEdge && caller.equals(user);
  }

  /** The other party's name (a user, a built-in party or the edge's {@code from}). */
  String peerOf(String user) {
    return isCaller(user) ? callee : caller;
  }

  EdgeConnection connOf(String user) {
    return isCaller(user) ? callerConn : calleeConn;
  }

  /** The other party's connection (null for a built-in party, the edge, or a detached peer). */
  EdgeConnection peerConn(String user) {
    return isCaller(user) ? calleeConn : callerConn;
  }

  /**
   * Keeps a relayed frame that could not be written to {@code user}'s socket; returns false
   * when the oldest kept frame had to be dropped to stay within {@link #MAX_MISSED_FRAMES}.
   */
  boolean keepMissed(String user, Frame frame) {
    Deque<Frame> q = isCaller(user) ? missedByCaller : missedByCallee;
    boolean fits = q.size() < MAX_MISSED_FRAMES;
    if (!fits) {
      q.pollFirst();
    }
    q.addLast(frame);
    return fits;
  }

  /** Keeps a candidate of the caller relayed while ringing (at most {@link #MAX_MISSED_FRAMES}). */
  void keepOfferCandidate(Frame candidate) {
    if (offerCandidates.size() >= MAX_MISSED_FRAMES) {
      offerCandidates.pollFirst();
    }
    offerCandidates.addLast(candidate);
  }

  /**
   * The frames that offer this ringing call to its callee again on a new socket: the
   * {@code incoming} and the caller's candidates so far. What the callee missed while away is
   * among them, so it is forgotten.
   */
  List<Frame> reoffer() {
    List<Frame> out = new ArrayList<>(1 + offerCandidates.size());
    out.add(new Frames.Incoming(id, caller, offerSdp));
    out.addAll(offerCandidates);
    missedByCallee.clear();
    return out;
  }

  /** The relayed frames {@code user} missed, in order; the call forgets them. */
  List<Frame> takeMissed(String user) {
    Deque<Frame> q = isCaller(user) ? missedByCaller : missedByCallee;
    List<Frame> out = new ArrayList<>(q);
    q.clear();
    return out;
  }

  /** The edge's current view of this (live) call as seen by {@code user}, for {@code resumed}. */
  Frames.CallStatus statusFor(String user) {
    return switch (state) {
      case QUEUED -> new Frames.CallStatus(id, Frames.CallStatus.QUEUED, null, null, null);
      case RINGING -> new Frames.CallStatus(id, Frames.CallStatus.RINGING, null, null, null);
      case ACTIVE -> isCaller(user)
          ? new Frames.CallStatus(id, answerMissedByCaller ? Frames.CallStatus.ANSWERED
              : Frames.CallStatus.ACTIVE, answerSdp, null, null)
          : new Frames.CallStatus(id, Frames.CallStatus.ACTIVE, null, null, null);
      case ENDED -> new Frames.CallStatus(id, Frames.CallStatus.ENDED, null, null, "ended");
    };
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (heldAnswerFlush != null && state == State.ENDED) {
      heldAnswerFlush.cancel(false);
      heldAnswerFlush = null;
    }
  }

  @Override
  public String toString() {
    return "call " + id + " " + caller + "→" + callee + " " + state;
  }
}
