package dev.patchbay.benchmarks.jmh;

import dev.patchbay.media.IceCandidate;
import dev.patchbay.media.MediaSession;
import dev.patchbay.media.MediaState;
import dev.patchbay.PatchbayEventListener;
import dev.patchbay.media.SessionDescription;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.admission.Permit;
import dev.patchbay.internal.call.CallHost;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.retry.Backoff;
import dev.patchbay.internal.ua.Events;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * A {@link CallHost} that runs everything inline on the caller's thread, connected, with free
 * admission, no timers, and a media session that connects as soon as it has an answer. Frames
 * sent are counted and dropped.
 */
final class SyncCallHost implements CallHost {
  static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
      + "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 "
      + "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC"
      + ":DD:EE:FF\r\na=setup:actpass\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";

  private static final Executor INLINE = Runnable::run;
  private final UserAgentOptions options = UserAgentOptions.defaults("bench");
  private final Backoff backoff = new Backoff(options.inviteRetry(), new SplittableRandom(1));
  private final Events events = Events.NONE;
  long framesSent;

  @Override
  public String tenant() {
    return "bench";
  }

  @Override
  public String userId() {
    return "bench-user";
  }

  @Override
  public UserAgentOptions options() {
    return options;
  }

  @Override
  public Executor actor() {
    return INLINE;
  }

  @Override
  public boolean send(Frame frame) {
    framesSent++;
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
    return new SyncMedia(callId, listener);
  }

  @Override
  public Future<?> schedule(Duration delay, Runnable task) {
    return new CompletableFuture<>(); // phase timers never fire in a synchronous cycle
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

  /** Connects on the answer; everything completes inline. */
  private static final class SyncMedia implements MediaSession {
    private final String callId;
    private final MediaSession.Listener listener;
    private MediaState state = MediaState.NEW;

    SyncMedia(String callId, MediaSession.Listener listener) {
      this.callId = callId;
      this.listener = listener;
    }

    @Override
    public String callId() {
      return callId;
    }

    @Override
    public CompletableFuture<SessionDescription> createOffer(boolean iceRestart) {
      return CompletableFuture.completedFuture(SessionDescription.offer(SDP));
    }

    @Override
    public CompletableFuture<SessionDescription> acceptOffer(SessionDescription offer) {
      state = MediaState.CONNECTED;
      return CompletableFuture.completedFuture(SessionDescription.answer(SDP));
    }

    @Override
    public CompletableFuture<Void> acceptAnswer(SessionDescription answer) {
      state = MediaState.CONNECTED;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void addRemoteCandidate(IceCandidate candidate) {}

    @Override
    public void endOfRemoteCandidates() {}

    @Override
    public MediaState state() {
      return state;
    }

    @Override
    public CompletableFuture<Void> close() {
      state = MediaState.CLOSED;
      return CompletableFuture.completedFuture(null);
    }
  }
}
