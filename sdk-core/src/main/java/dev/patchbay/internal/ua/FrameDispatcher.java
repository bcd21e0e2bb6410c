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
 * Routes the frames of a ready socket: socket-level frames to the connection lifecycle, call
 * frames to their call, {@code incoming} to a new inbound call. Actor-confined.
 */
final class FrameDispatcher {
  /** Log lines keep the agent's logger name. */
  private static final Logger LOG = LoggerFactory.getLogger(RealUserAgent.class);

  private final BooleanSupplier closing;
  private final ConnectionLifecycle connections;
  private final CallRegistry calls;
  private final CallHost host;
  private final Supplier<Consumer<IncomingCall>> incomingHandler;

  FrameDispatcher(BooleanSupplier closing, ConnectionLifecycle connections, CallRegistry calls,
      CallHost host, Supplier<Consumer<IncomingCall>> incomingHandler) {
    this.closing = closing;
    this.connections = connections;
    this.calls = calls;
    this.host = host;
    this.incomingHandler = incomingHandler;
  }

  void onFrame(Connection c, Frame frame) {
    String callId = frame.callIdOrNull();
    if (closing.getAsBoolean() && callId == null && !(frame instanceof Frames.Resumed)) {
      return; // a closing agent still resumes the calls it is hanging up
    }
    if (frame instanceof Frames.Closing closingFrame) {
      connections.onClosingNotice(c, closingFrame);
    } else if (frame instanceof Frames.Resumed r) {
      connections.onResumed(r);
    } else if (frame instanceof Frames.Incoming in) {
      onIncoming(in);
    } else if (frame instanceof Frames.Hello) {
      LOG.debug("ignoring a second hello");
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
    RealCall call = RealCall.inbound(host, in);
    calls.add(call);
    call.offered(incomingHandler.get());
  }
}
