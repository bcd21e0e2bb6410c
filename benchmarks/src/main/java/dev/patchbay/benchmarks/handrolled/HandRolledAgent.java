package dev.patchbay.benchmarks.handrolled;

import dev.patchbay.benchmarks.compare.LoadRecorder;
import dev.patchbay.benchmarks.compare.Scenario;
import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.FrameDecodingException;
import dev.patchbay.internal.protocol.Frames;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/** One agent of the hand-rolled client (see {@link HandRolledDriver} for what it gets wrong). */
final class HandRolledAgent extends WebSocketListener {
  private static final FrameCodec CODEC = new FrameCodec();
  static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
      + "a=mid:0\r\na=ice-ufrag:hand\r\na=ice-pwd:handrolledhandrolledpwd\r\n"
      + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44"
      + ":55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=rtcp-mux\r\n"
      + "a=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";

  private final HandRolledDriver driver;
  private final Scenario s;
  private final int index;
  private final long[] holds;
  private final LoadRecorder rec;
  private final SharedToken token;
  private final URI edge;
  private final ScheduledExecutorService timer;
  private final CountDownLatch agentsLeft;

  private long t0;
  private int connectAttempts;
  private WebSocket ws;
  private boolean connected;
  private boolean finished;
  private boolean abandoned;
  private int call;
  private String callId;
  private int inviteAttempts;
  private long callStart;
  private boolean callOpen;
  private boolean established;
  private Future<?> timeout;

  HandRolledAgent(HandRolledDriver driver, Scenario s, int index, long[] holds, LoadRecorder rec,
      SharedToken token, URI edge, ScheduledExecutorService timer, CountDownLatch agentsLeft) {
    this.driver = driver;
    this.s = s;
    this.index = index;
    this.holds = holds;
    this.rec = rec;
    this.token = token;
    this.edge = edge;
    this.timer = timer;
    this.agentsLeft = agentsLeft;
  }

  /** Runs on a blocking worker thread. */
  void start() {
    synchronized (this) {
      rec.agentStarting();
      t0 = System.nanoTime();
    }
    connect();
  }

  private void connect() {
    String tok;
    try {
      tok = token.get(status -> rec.retry("token after " + status));
    } catch (Exception e) {
      synchronized (this) {
        rec.agentFailed("token: " + e.getClass().getSimpleName());
        finish();
      }
      return;
    }
    synchronized (this) {
      connectAttempts++;
      Request req = new Request.Builder()
          .url("http://" + edge.getHost() + ":" + edge.getPort() + "/v1/signaling")
          .header("Authorization", "Bearer " + tok)
          .header("Sec-WebSocket-Protocol", "patchbay.v1").build();
      ws = driver.http().newWebSocket(req, this);
    }
  }

  synchronized boolean abandonedSocket() {
    return abandoned;
  }

  synchronized int callsWithoutOutcome() {
    return callOpen ? 1 : 0;
  }

  @Override
  public synchronized void onOpen(WebSocket webSocket, Response response) {
    driver.opened(webSocket);
  }

  @Override
  public synchronized void onMessage(WebSocket webSocket, String text) {
    Frame f;
    try {
      f = CODEC.decode(text);
    } catch (FrameDecodingException e) {
      return;
    }
    if (f instanceof Frames.Hello) {
      connected = true;
      rec.agentConnected(Duration.ofNanos(System.nanoTime() - t0));
      placeCall();
    } else if (f instanceof Frames.Answer a && a.callId().equals(callId) && !established) {
      cancelTimeout();
      established = true;
      rec.callEstablished(Duration.ofNanos(System.nanoTime() - callStart));
      String id = callId;
      schedule(() -> hangUp(id), holds[call]);
    } else if (f instanceof Frames.Error e && callId != null && callId.equals(e.callId())) {
      onCallError(e.status() == null ? 0 : e.status());
    } else if ((f instanceof Frames.Ended e && e.callId().equals(callId))
        || (f instanceof Frames.Bye b && b.callId().equals(callId))) {
      cancelTimeout();
      callDone(true, "hung up");
      call++;
      placeCall();
    }
  }

  private void onCallError(int status) {
    cancelTimeout();
    if ((status == 503 || status == 504) && inviteAttempts < HandRolledDriver.INVITE_ATTEMPTS) {
      rec.retry("invite after " + status);
      schedule(this::sendInvite, HandRolledDriver.RETRY_MS); // new call id, fixed interval
      return;
    }
    callDone(false, (status == 503 || status == 504 ? "MEDIA_UNAVAILABLE " : "error ") + status);
    abandon();
  }

  private void placeCall() {
    if (call >= holds.length) {
      ws.close(1000, "done");
      rec.agentDone();
      finish();
      return;
    }
    inviteAttempts = 0;
    established = false;
    callOpen = true;
    driver.openCalls().incrementAndGet();
    callStart = System.nanoTime();
    rec.callAttempted();
    sendInvite();
  }

  private synchronized void sendInvite() {
    if (!callOpen) {
      return;
    }
    inviteAttempts++;
    callId = UUID.randomUUID().toString(); // a new id each attempt: no idempotency
    ws.send(CODEC.encode(new Frames.Invite(callId, s.callee(), OFFER)));
    String id = callId;
    timeout = schedule(() -> answerTimeout(id), HandRolledDriver.ANSWER_TIMEOUT_MS);
  }

  private synchronized void answerTimeout(String id) {
    if (callOpen && id.equals(callId) && !established) {
      callDone(false, "TIMEOUT (no answer)");
      abandon();
    }
  }

  private synchronized void hangUp(String id) {
    if (callOpen && id.equals(callId)) {
      ws.send(CODEC.encode(new Frames.Bye(id, "normal")));
      timeout = schedule(() -> endedTimeout(id), 5000);
    }
  }

  private synchronized void endedTimeout(String id) {
    if (callOpen && id.equals(callId)) {
      callDone(false, "TIMEOUT (no ended)");
      abandon();
    }
  }

  private void callDone(boolean success, String reason) {
    if (!callOpen) {
      return;
    }
    callOpen = false;
    driver.openCalls().decrementAndGet();
    rec.callEnded(established, success, reason);
  }

  /** The field bug: after a failed negotiation the socket is dropped on the floor, not closed. */
  private void abandon() {
    abandoned = true;
    rec.agentDone();
    finish();
  }

  @Override
  public synchronized void onClosing(WebSocket webSocket, int code, String reason) {
    // the field bug: a server close is never answered (OkHttp leaves that to the app)
  }

  @Override
  public synchronized void onClosed(WebSocket webSocket, int code, String reason) {
    driver.released(webSocket);
  }

  @Override
  public synchronized void onFailure(WebSocket webSocket, Throwable t, Response response) {
    driver.released(webSocket);
    if (finished) {
      return;
    }
    if (!connected) {
      String what = response != null ? Integer.toString(response.code())
          : t.getClass().getSimpleName();
      if (response != null) {
        response.close();
      }
      if (connectAttempts >= HandRolledDriver.CONNECT_ATTEMPTS) {
        rec.agentFailed("gave up after " + connectAttempts + " attempts (last " + what + ")");
        finish();
        return;
      }
      rec.retry("connect after " + what);
      schedule(() -> {
        try {
          driver.blocking().execute(this::connect);
        } catch (RejectedExecutionException ignored) {
          // shutting down
        }
      }, HandRolledDriver.RETRY_MS); // fixed interval, Retry-After ignored
      return;
    }
    cancelTimeout();
    callDone(false, "socket lost");
    rec.agentDone();
    finish();
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  private Future<?> schedule(Runnable r, long delayMs) {
    try {
      return timer.schedule(r, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
  }

  private void finish() {
    if (!finished) {
      finished = true;
      agentsLeft.countDown();
    }
  }

  @Override
  public String toString() {
    return "HandRolledAgent{" + s.user(index) + '}';
  }
}
