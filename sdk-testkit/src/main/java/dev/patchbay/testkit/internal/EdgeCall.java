package dev.patchbay.testkit.internal;

import java.util.concurrent.ScheduledFuture;

/** One call on the edge. Guarded by the model's lock. */
final class EdgeCall {
  enum State { QUEUED, RINGING, ACTIVE, ENDED }

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

  EdgeConnection connOf(String user) {
    return isCaller(user) ? callerConn : calleeConn;
  }

  /** The other party's connection (null for a built-in party, the edge, or a detached peer). */
  EdgeConnection peerConn(String user) {
    return isCaller(user) ? calleeConn : callerConn;
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public String toString() {
    return "call " + id + " " + caller + "→" + callee + " " + state;
  }
}
