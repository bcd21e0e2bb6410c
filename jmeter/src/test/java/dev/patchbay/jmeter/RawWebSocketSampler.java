package dev.patchbay.jmeter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.jmeter.samplers.AbstractSampler;
import org.apache.jmeter.samplers.Entry;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * NOT product code: a JMeter sampler scripted on a raw WebSocket the way the field reports'
 * JMeter plans do it, for the side-by-side plan {@code raw-websocket-field.jmx}. What it gets
 * wrong, on purpose:
 * <ul>
 *   <li><b>one shared token</b>: the first thread to need one fetches it with its own CSV
 *       credentials, every thread then uses it (no per-user token);</li>
 *   <li><b>fixed retries without backoff</b>: connect and invite retried every
 *       {@code retryMs}, no jitter, {@code Retry-After} ignored; each invite retry with a new
 *       call id;</li>
 *   <li><b>socket left open after a failed negotiation</b>: the thread forgets the socket and
 *       connects a new one next time; the old one stays open on the edge.</li>
 * </ul>
 * {@code action} is {@code connect} (once per thread; later iterations record nothing) or
 * {@code call} (dial, hold, bye). Sockets of a thread that ends normally are closed.
 */
public class RawWebSocketSampler extends AbstractSampler implements ThreadListener {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final String STATE = "raw.ws";
  /** This thread's socket, for {@link #threadFinished()}. */
  private static final ThreadLocal<Conn> HELD = new ThreadLocal<>();
  static final String OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      + "a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
      + "a=mid:0\r\na=ice-ufrag:rawj\r\na=ice-pwd:rawjmeterrawjmeterpwd12\r\n"
      + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44"
      + ":55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=rtcp-mux\r\n"
      + "a=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";

  /** The one token every thread shares (the field bug). */
  private static volatile String sharedToken;
  /** Sockets left open after a failed negotiation: the test aborts them after counting. */
  static final Set<WebSocket> ABANDONED = ConcurrentHashMap.newKeySet();

  /** Forgets the shared token and aborts every abandoned socket (test cleanup). */
  static void reset() {
    sharedToken = null;
    ABANDONED.forEach(WebSocket::abort);
    ABANDONED.clear();
  }

  private String prop(String name, String fallback) {
    String v = getPropertyAsString(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private int intProp(String name, int fallback) {
    return Integer.parseInt(prop(name, Integer.toString(fallback)).trim());
  }

  /** One thread's socket and the frames it received. */
  private static final class Conn implements WebSocket.Listener {
    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    volatile WebSocket ws;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(JSON.readTree(partial.toString()));
        } catch (IOException e) {
          // a frame the script cannot read is ignored, as the field scripts do
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    JsonNode next(long timeoutMs) throws InterruptedException {
      return frames.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public SampleResult sample(Entry e) {
    JMeterVariables vars = JMeterContextService.getContext().getVariables();
    SampleResult r = new SampleResult();
    r.setSampleLabel(getName());
    r.setDataType(SampleResult.TEXT);
    try {
      if ("connect".equals(prop("action", "call"))) {
        if (vars.getObject(STATE) != null) {
          r.setIgnore(); // connected in an earlier iteration
          return r;
        }
        connect(r, vars);
      } else {
        call(r, vars);
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      end(r, false, "INTERRUPTED", "interrupted");
    }
    return r;
  }

  private void connect(SampleResult r, JMeterVariables vars) throws InterruptedException {
    r.sampleStart();
    int attempts = intProp("connectAttempts", 10);
    long retryMs = intProp("retryMs", 200);
    URI edge = URI.create(prop("edge", "http://127.0.0.1:8080"));
    String last = "";
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        Thread.sleep(retryMs); // fixed interval: no backoff, no jitter, Retry-After ignored
      }
      String token;
      try {
        token = token(edge, vars.get("user"), vars.get("secret"));
      } catch (IOException ex) {
        last = ex.getMessage();
        continue;
      }
      Conn conn = new Conn();
      try {
        conn.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
            .subprotocols("patchbay.v1")
            .buildAsync(URI.create("ws://" + edge.getHost() + ":" + edge.getPort()
                + "/v1/signaling"), conn).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException ex) {
        last = ex.getCause() instanceof WebSocketHandshakeException h
            ? Integer.toString(h.getResponse().statusCode())
            : ex.getCause().getClass().getSimpleName();
        continue;
      } catch (java.util.concurrent.TimeoutException ex) {
        last = "TIMEOUT";
        continue;
      }
      JsonNode hello = conn.next(5000);
      if (hello != null && "hello".equals(hello.path("type").asText())) {
        vars.putObject(STATE, conn);
        HELD.set(conn);
        end(r, true, "200", "connected after " + attempt + " attempt(s) with the shared token");
        return;
      }
      last = hello == null ? "NO_HELLO" : hello.path("status").asText("NO_HELLO");
      conn.ws.abort();
    }
    end(r, false, last, "gave up after " + attempts + " attempts (last " + last + ")");
  }

  private void call(SampleResult r, JMeterVariables vars) throws InterruptedException {
    Conn conn = (Conn) vars.getObject(STATE);
    if (conn == null) {
      r.sampleStart();
      end(r, false, "NOT_CONNECTED", "this thread has no socket");
      return;
    }
    r.sampleStart();
    long t0 = System.nanoTime();
    int attempts = intProp("inviteAttempts", 3);
    long retryMs = intProp("retryMs", 200);
    long answerTimeoutMs = intProp("answerTimeoutMs", 20_000);
    String status = "";
    String callId = null;
    boolean answered = false;
    for (int attempt = 1; attempt <= attempts && !answered; attempt++) {
      if (attempt > 1) {
        Thread.sleep(retryMs); // fixed interval, Retry-After ignored
      }
      callId = UUID.randomUUID().toString(); // a new id each attempt: no idempotency
      conn.ws.sendText(frame("invite", callId, "\"to\":" + quote(prop("callee", "auto-answer"))
          + ",\"sdp\":" + quote(OFFER)), true);
      JsonNode f = awaitFrame(conn, callId, answerTimeoutMs, "answer", "error");
      if (f == null) {
        status = "TIMEOUT";
        break;
      }
      answered = "answer".equals(f.path("type").asText());
      status = answered ? "200" : f.path("status").asText("error");
      if (!answered && !status.equals("503") && !status.equals("504")) {
        break;
      }
    }
    if (!answered) { // the field bug: the socket is dropped, not closed
      vars.remove(STATE);
      HELD.remove();
      ABANDONED.add(conn.ws);
      end(r, false, status, "call failed (" + status + "); socket left open");
      return;
    }
    r.setLatency(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    Thread.sleep(intProp("holdMs", 1000));
    conn.ws.sendText(frame("bye", callId, "\"reason\":\"normal\""), true);
    JsonNode ended = awaitFrame(conn, callId, 5000, "ended", "error");
    boolean ok = ended != null && "ended".equals(ended.path("type").asText());
    end(r, ok, ok ? "200" : "NO_ENDED", ok ? "call answered, held, ended" : "no ended");
  }

  private static JsonNode awaitFrame(Conn conn, String callId, long timeoutMs, String... types)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      JsonNode f = left <= 0 ? null : conn.next(left);
      if (f == null) {
        return null;
      }
      if (callId.equals(f.path("callId").asText()) && Set.of(types).contains(
          f.path("type").asText())) {
        return f;
      }
    }
  }

  private static String frame(String type, String callId, String rest) {
    return "{\"type\":\"" + type + "\",\"callId\":\"" + callId + "\"," + rest + "}";
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The shared token: fetched once, with the credentials of whichever thread needs it first,
   * then handed to every thread (as a setUp thread group storing it in a property would).
   */
  private static synchronized String token(URI edge, String user, String secret)
      throws IOException, InterruptedException {
    String t = sharedToken;
    if (t != null) {
      return t;
    }
    HttpRequest req = HttpRequest.newBuilder(edge.resolve("/oauth/token"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + secret).getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
    HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IOException(Integer.toString(res.statusCode()));
    }
    t = JSON.readTree(res.body()).path("access_token").asText();
    sharedToken = t;
    return t;
  }

  private static void end(SampleResult r, boolean ok, String code, String message) {
    if (r.getStartTime() == 0) {
      r.sampleStart();
    }
    r.sampleEnd();
    r.setSuccessful(ok);
    r.setResponseCode(code);
    r.setResponseMessage(message);
  }

  @Override
  public void threadStarted() {}

  @Override
  public void threadFinished() {
    Conn conn = HELD.get(); // JMeter clears the thread's variables before threadFinished
    HELD.remove();
    if (conn != null) {
      try { // a thread that ends normally closes its socket (only failed negotiations leak)
        conn.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        conn.ws.abort();
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        conn.ws.abort();
      }
    }
  }
}
