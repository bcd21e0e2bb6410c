package dev.patchbay.internal.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.CallState;
import dev.patchbay.IcePolicy;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.media.MediaSession;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.ua.Events;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A phase deadline can fire on the scheduler while the actor is busy making the call ACTIVE;
 * its task then waits on the actor and runs afterwards. It must find itself disarmed.
 */
class CallDeadlineRaceTest {
  private final MediaEngine engine = MediaEngines.signalingOnly();
  private final List<Runnable> deadlines = new ArrayList<>();
  private final CallHost host = new InlineHost();

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  @Test
  void aMediaDeadlineThatFiredJustBeforeMediaConnectedDoesNotFailTheActiveCall() {
    String id = "call-1";
    RealCall call = RealCall.outbound(host, id, "bob");
    call.dial(new CompletableFuture<>());
    call.onFrame(new Frames.Ringing(id));
    call.onFrame(new Frames.Answer(id, sdp(call)));
    assertThat(call.state()).isEqualTo(CallState.ACTIVE);

    // every deadline armed so far has "fired" and reaches the actor only now
    new ArrayList<>(deadlines).forEach(Runnable::run);

    assertThat(call.state()).isEqualTo(CallState.ACTIVE);
    assertThat(call.endReason()).isEmpty();
    call.hangUp();
    call.onFrame(new Frames.Ended(id, "normal"));
    assertThat(call.state()).isEqualTo(CallState.ENDED);
  }

  /** The answer the signaling-only engine accepts: one of its own offers. */
  private String sdp(RealCall call) {
    return engine.createSession("peer-" + call.id(), IcePolicy.defaults(), NO_EVENTS)
        .createOffer(false).join().sdp();
  }

  private static final MediaSession.Listener NO_EVENTS = new MediaSession.Listener() {
    @Override
    public void onLocalCandidate(dev.patchbay.media.IceCandidate candidate) {}

    @Override
    public void onLocalCandidatesComplete() {}

    @Override
    public void onStateChange(dev.patchbay.media.MediaState state) {}

    @Override
    public void onNegotiationNeeded(boolean iceRestart) {}
  };

  /** Connected, free admission, everything inline; deadlines are kept for the test to fire. */
  private final class InlineHost implements CallHost {
    private final UserAgentOptions options = UserAgentOptions.defaults("acme");
    private final Backoff backoff = new Backoff(options.inviteRetry(), new SplittableRandom(1));
    private final Events events = Events.NONE;

    @Override
    public String tenant() {
      return "acme";
    }

    @Override
    public String userId() {
      return "alice";
    }

    @Override
    public UserAgentOptions options() {
      return options;
    }

    @Override
    public Executor actor() {
      return Runnable::run;
    }

    @Override
    public boolean send(Frame frame) {
      return true;
    }

    @Override
    public CompletableFuture<Void> whenConnected() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> whenNextConnected() {
      return new CompletableFuture<>(); // never: the socket of this host does not move
    }

    @Override
    public CompletableFuture<Permit> acquireNegotiation() {
      return CompletableFuture.completedFuture(Permit.NONE);
    }

    @Override
    public MediaSession createMedia(String callId, MediaSession.Listener listener) {
      return engine.createSession(callId, IcePolicy.defaults(), listener);
    }

    @Override
    public Future<?> schedule(Duration delay, Runnable task) {
      deadlines.add(task);
      return new CompletableFuture<>();
    }

    @Override
    public void toApp(Runnable callback) {
      callback.run();
    }

    @Override
    public Backoff inviteBackoff() {
      return backoff;
    }

    @Override
    public Events events() {
      return events;
    }

    @Override
    public void released(RealCall call) {}
  }
}
