package dev.patchbay.internal.call;

import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.Call.Direction;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.protocol.Frames;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a call ends from this side and what the edge is told: a hang-up (bye, then a bounded wait
 * for {@code ended}), a termination when the agent closes or lost its connection, a call the
 * edge did not resume, and the bye or reject that goes with a failure. Runs on the actor.
 */
final class CallEnding {
  private static final Logger LOG = LoggerFactory.getLogger(CallEnding.class);

  private final RealCall call;
  private final CallHost host;
  /** The hang-up start was reported (once per call: an app hang-up, or the agent closing). */
  private boolean hangUpReported;

  CallEnding(RealCall call, CallHost host) {
    this.call = call;
    this.host = host;
  }

  void hangUp() {
    CallState state = call.state();
    if (call.releasing || state == CallState.ENDING) {
      return;
    }
    reportHangUpStart();
    if (call.direction() == Direction.INBOUND && state == CallState.RINGING) {
      call.doReject(603, "declined");
      return;
    }
    if (!call.edgeKnowsCall()) {
      call.release(CallState.ENDED, EndReason.LOCAL_HANGUP, null);
      return;
    }
    call.setState(CallState.ENDING);
    call.deliver(new Frames.Bye(call.id(), "hangup")); // replayed after a reconnect
    call.phase.arm(host.options().hangupTimeout(), () -> {
      if (!call.releasing) {
        LOG.info("edge did not confirm the hang-up within {}; releasing anyway",
            host.options().hangupTimeout());
        call.release(CallState.ENDED, EndReason.LOCAL_HANGUP, null);
      }
    });
  }

  void terminate(EndReason reason, PatchbayException cause) {
    if (call.releasing) {
      return;
    }
    if (reason == EndReason.CLOSED) {
      reportHangUpStart();
    }
    if (reason == EndReason.CLOSED && call.edgeKnowsCall()
        && host.send(new Frames.Bye(call.id(), "closed"))) {
      call.edgeForgot();
    }
    if (reason == EndReason.CLOSED && call.state() == CallState.ACTIVE) {
      call.release(CallState.ENDED, reason, null);
    } else {
      call.fail(reason, cause, false);
    }
  }

  private void reportHangUpStart() {
    if (!hangUpReported) {
      hangUpReported = true;
      host.events().hangUpStart(call);
    }
  }

  void notResumed() {
    call.edgeForgot();
    call.fail(EndReason.CONNECTION_LOST, call.callFailed("call " + call.id()
        + " was not resumed after the reconnect", 0, false, null), false);
  }

  /** Tells the edge about a failure when it still knows the call: bye, or reject if ringing. */
  void tellEdgeAboutFailure(EndReason reason, boolean sendBye) {
    if (!call.edgeKnowsCall()) {
      return;
    }
    if (sendBye) {
      host.send(new Frames.Bye(call.id(), reason.name().toLowerCase(Locale.ROOT)));
      call.edgeForgot();
    } else if (call.direction() == Direction.OUTBOUND && reason == EndReason.TIMEOUT) {
      host.send(new Frames.Bye(call.id(), "timeout"));
      call.edgeForgot();
    } else if (call.direction() == Direction.INBOUND && call.state() == CallState.RINGING) {
      host.send(new Frames.Reject(call.id(), 480, reason.name().toLowerCase(Locale.ROOT)));
      call.edgeForgot();
    }
  }
}
