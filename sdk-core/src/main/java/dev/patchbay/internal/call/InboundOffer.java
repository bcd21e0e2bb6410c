package dev.patchbay.internal.call;

import dev.patchbay.Call;
import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.IncomingCall;
import dev.patchbay.MediaState;
import dev.patchbay.SessionDescription;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Retrier;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set-up of an incoming call: the ringing deadline, the app's handler, and on accept the
 * answer to the caller's offer. Actor-confined.
 */
final class InboundOffer {
  private static final Logger LOG = LoggerFactory.getLogger(InboundOffer.class);

  private final RealCall call;
  private final CallHost host;
  private final String remoteOffer;

  InboundOffer(RealCall call, CallHost host, String remoteOffer) {
    this.call = call;
    this.host = host;
    this.remoteOffer = remoteOffer;
  }

  /** Starts the ringing deadline and tells the app (or rejects without a handler). */
  void offered(Consumer<IncomingCall> handler) {
    host.events().callStart(call);
    call.startPhase(host.options().ringTimeout(), "waiting for the app to accept the call");
    if (handler == null) {
      LOG.info("no incoming-call handler: rejecting with 480");
      call.doReject(480, "no handler");
      return;
    }
    host.toApp(() -> handler.accept(call));
  }

  /** Answers the caller's offer; {@code f} completes when media is connected. */
  void accept(CompletableFuture<Call> f) {
    CallState state = call.state();
    if (state != CallState.RINGING || call.releasing) {
      f.completeExceptionally(call.callFailed("call " + call.id() + " cannot be accepted in state "
          + state + call.endReason().map(r -> " (" + r + ")").orElse(""), 0, false, null));
      return;
    }
    call.awaitSetup(f);
    if (!call.createMedia(true)) {
      return;
    }
    call.setState(CallState.CONNECTING);
    call.startPhase(host.options().mediaTimeout(), "waiting for media to connect");
    call.media.acceptOffer(SessionDescription.offer(remoteOffer)).whenCompleteAsync(
        (answer, error) -> call.inCall(() -> {
          if (call.releasing) {
            return;
          }
          if (error != null) {
            call.fail(EndReason.MEDIA_FAILED, call.asPatchbay(Retrier.unwrap(error),
                "the caller's offer could not be accepted"), true);
            return;
          }
          call.deliver(new Frames.Answer(call.id(), answer.sdp()));
          call.candidates.open();
          if (call.media.state() == MediaState.CONNECTED) {
            call.becomeActive();
          }
        }), host.actor());
  }
}
