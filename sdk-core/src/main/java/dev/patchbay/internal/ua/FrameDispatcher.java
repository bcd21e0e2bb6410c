package dev.patchbay.internal.ua;

import dev.patchbay.IncomingCall;
import dev.patchbay.internal.call.CallHost;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the call frames of a ready socket (the {@link SignalingConnection} keeps the
 * socket-level ones): call frames to their call, {@code incoming} to a new inbound call (within
 * the calls a connection may hold). Actor-confined.
 */
final class FrameDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(FrameDispatcher.class);

  private final BooleanSupplier closing;
  private final SignalingConnection connections;
  private final CallRegistry calls;
  private final CallHost host;
  private final Supplier<Consumer<IncomingCall>> incomingHandler;

  FrameDispatcher(BooleanSupplier closing, SignalingConnection connections, CallRegistry calls,
      CallHost host, Supplier<Consumer<IncomingCall>> incomingHandler) {
    this.closing = closing;
    this.connections = connections;
    this.calls = calls;
    this.host = host;
    this.incomingHandler = incomingHandler;
  }

  void onFrame(Frame frame) {
    String callId = frame.callIdOrNull();
    if (closing.getAsBoolean() && callId == null) {
      return;
    }
    if (frame instanceof Frames.Incoming in) {
      onIncoming(in);
    } else if (callId != null) {
      RealCall call = calls.get(callId);
      if (call != null) {
        call.onFrame(frame);
      } else {
        LOG.debug("ignoring {} for unknown call {}", frame.type(), callId);
      }
    } else if (frame instanceof Frames.Error err) {
      LOG.warn("edge reported connection error {}: {}", err.status(),
          err.message() == null ? "" : err.message().replaceAll("\\p{Cntrl}", "?"));
    } else {
      LOG.debug("ignoring unexpected {} frame", frame.type());
    }
  }

  private void onIncoming(Frames.Incoming in) {
    if (closing.getAsBoolean()) {
      host.send(new Frames.Reject(in.callId(), 480, "closing"));
      return;
    }
    if (calls.contains(in.callId())) {
      LOG.debug("ignoring a duplicate incoming {}", in.callId());
      return;
    }
    if (calls.wasReleasedInbound(in.callId())) { // offered again: our end never reached it
      LOG.debug("rejecting an incoming {} this agent already ended", in.callId());
      host.send(new Frames.Reject(in.callId(), 480, "already ended"));
      return;
    }
    int max = connections.maxCalls();
    if (calls.size() >= max) { // refused before any resource of the call exists
      LOG.info("rejecting an incoming call: {} calls already held (limit {})", calls.size(), max);
      host.send(new Frames.Reject(in.callId(), 486, "busy"));
      return;
    }
    RealCall call = RealCall.inbound(host, in);
    calls.add(call);
    call.offered(incomingHandler.get());
  }
}
