package dev.patchbay;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.Frames;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * A tiny scripted edge on MockWebServer for unit tests of the state machines: refusals queued
 * up front, then upgrades that send {@code hello} and answer frames with a pluggable script.
 */
final class ScriptedEdge implements AutoCloseable {
  static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdef01234567\r\n"
      + "a=mid:0\r\n";

  final MockWebServer server = new MockWebServer();
  final FrameCodec codec = new FrameCodec();
  final Queue<MockResponse> refusals = new ConcurrentLinkedQueue<>();
  final List<Long> upgradeNanos = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  /** The Patchbay-Upgrade-Id of each upgrade request, in order ("" when absent). */
  final List<String> upgradeIds = new CopyOnWriteArrayList<>();
  final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
  final List<WebSocket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final Map<String, AtomicInteger> invites = new ConcurrentHashMap<>();
  volatile boolean sendHello = true;
  volatile long heartbeatMs = 15_000;
  /** How the edge answers each client frame (default: {@link #autoAnswer}). */
  volatile BiConsumer<WebSocket, Frame> script = this::autoAnswer;
  /** Access tokens issued at {@code /oauth/token}, in order. */
  final List<String> issuedTokens = new CopyOnWriteArrayList<>();
  /** How {@code /oauth/token} answers (default: a fresh, hard-to-guess access token). */
  volatile java.util.function.Function<RecordedRequest, MockResponse> tokenEndpoint =
      r -> issueToken();
  /** The Authorization header each upgraded socket was opened with. */
  final Map<WebSocket, String> socketAuthorization = new ConcurrentHashMap<>();
  /**
   * The raw {@code hello} text for an upgrade, given its Authorization header; null (or a null
   * answer) sends the default hello. Lets a test send hostile hello values the records refuse.
   */
  volatile java.util.function.Function<String, String> rawHello;
  /** The connection number (1-based) whose socket the edge closes (1011) right after hello. */
  volatile int closeAfterHello = -1;
  /** The bodies of the {@code /oauth/revoke} requests, in order. */
  final List<String> revoked = new CopyOnWriteArrayList<>();
  /** Whether each {@code hello} offers {@code logout} (protocol 3.7). */
  volatile boolean offerLogout;
  /** The limits each {@code hello} advertises (null: none). */
  volatile Frames.Limits limits;
  /** Upgrade number (1-based) → how long the edge takes before answering that upgrade, ms. */
  final Map<Integer, Long> upgradeDelayMs = new ConcurrentHashMap<>();
  /** Upgrade requests the edge is answering now, and the most it ever answered at once. */
  final AtomicInteger upgradesInFlight = new AtomicInteger();
  final AtomicInteger maxUpgradesInFlight = new AtomicInteger();
  /** When set, each upgrade request takes a permit before it is answered (holds the upgrade). */
  volatile java.util.concurrent.Semaphore upgradeGate;

  ScriptedEdge() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/oauth/token")) {
          return tokenEndpoint.apply(request);
        }
        if (path.equals("/oauth/revoke")) {
          revoked.add(request.getBody() == null ? "" : request.getBody().utf8());
          return new MockResponse.Builder().code(200).build();
        }
        int inFlight = upgradesInFlight.incrementAndGet();
        maxUpgradesInFlight.accumulateAndGet(inFlight, Math::max);
        try {
          java.util.concurrent.Semaphore gate = upgradeGate;
          if (gate != null) {
            gate.acquireUninterruptibly();
          }
          upgradeNanos.add(System.nanoTime());
          String auth = request.getHeaders().get("Authorization");
          authorizations.add(auth == null ? "" : auth);
          String upgradeId = request.getHeaders().get("Patchbay-Upgrade-Id");
          upgradeIds.add(upgradeId == null ? "" : upgradeId);
          MockResponse refusal = refusals.poll();
          if (refusal != null) {
            return refusal;
          }
          MockResponse.Builder upgrade = new MockResponse.Builder()
              .webSocketUpgrade(new EdgeSide(auth == null ? "" : auth));
          Long delay = upgradeDelayMs.get(upgradeNanos.size());
          if (delay != null) {
            upgrade.headersDelay(delay, TimeUnit.MILLISECONDS);
          }
          return upgrade.build();
        } finally {
          upgradesInFlight.decrementAndGet();
        }
      }
    });
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
  }

  URI uri() {
    return server.url("/").uri();
  }

  void refuse(int status, String retryAfter) {
    MockResponse.Builder b = new MockResponse.Builder().code(status);
    if (retryAfter != null) {
      b.headers(Headers.of("Retry-After", retryAfter, "Content-Type", "application/json"));
    }
    b.body("{\"error\":\"refused\",\"message\":\"scripted\"}");
    refusals.add(b.build());
  }

  /** A token answer with a new access token, registered as a secret for the log check. */
  MockResponse issueToken() {
    String token = "at-" + java.util.UUID.randomUUID().toString().replace("-", "");
    issuedTokens.add(token);
    dev.patchbay.testing.LogCapture.registerSecret(token);
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
            + "\"expires_in\":3600}").build();
  }

  Frame take() throws InterruptedException {
    Frame f = received.poll(5, TimeUnit.SECONDS);
    if (f == null) {
      throw new AssertionError("no frame from the client within 5 s");
    }
    return f;
  }

  @SuppressWarnings("unchecked")
  <T extends Frame> T take(Class<T> type) throws InterruptedException {
    while (true) {
      Frame f = take();
      if (type.isInstance(f)) {
        return (T) f;
      }
    }
  }

  void send(WebSocket ws, Frame f) {
    ws.send(codec.encode(f));
  }

  /** Sends text as is (a frame the records would refuse to build, or not a frame at all). */
  void sendRaw(WebSocket ws, String text) {
    ws.send(text);
  }

  /** Default script: everyone answers at once; bye is confirmed with ended. */
  void autoAnswer(WebSocket ws, Frame f) {
    if (f instanceof Frames.Invite inv) {
      invites.computeIfAbsent(inv.callId(), k -> new AtomicInteger()).incrementAndGet();
      send(ws, new Frames.Ringing(inv.callId()));
      send(ws, new Frames.Answer(inv.callId(), SDP));
    } else if (f instanceof Frames.Bye b) {
      send(ws, new Frames.Ended(b.callId(), "bye"));
    }
  }

  @Override
  public void close() {
    server.close();
  }

  private final class EdgeSide extends WebSocketListener {
    private final String authorization;

    EdgeSide(String authorization) {
      this.authorization = authorization;
    }

    @Override
    public void onOpen(WebSocket ws, okhttp3.Response response) {
      socketAuthorization.put(ws, authorization);
      sockets.add(ws);
      int n = connections.incrementAndGet();
      java.util.function.Function<String, String> raw = rawHello;
      String hostile = raw == null ? null : raw.apply(authorization);
      if (hostile != null) {
        ws.send(hostile);
      } else if (sendHello) {
        send(ws, new Frames.Hello("conn-" + n, "alice", "acme", heartbeatMs, 30_000L, List.of(),
            limits, offerLogout ? Boolean.TRUE : null));
      }
      if (n == closeAfterHello) {
        ws.close(1011, "gone right after hello");
      }
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      Frame f = codec.decode(text);
      received.add(f);
      script.accept(ws, f);
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      ws.close(1000, null);
    }
  }
}
