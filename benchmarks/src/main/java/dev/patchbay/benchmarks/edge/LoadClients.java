package dev.patchbay.benchmarks.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load-client JVMs of {@link EdgeBenchmark}, written on the JDK's HttpClient and WebSocket
 * only (no Patchbay SDK), so that they measure the edge, not the SDK.
 */
public final class LoadClients {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  private LoadClients() {}

  public static void main(String[] args) throws Exception {
    // no configuration on this class path means logback's DEBUG default: gigabytes of log
    // that also drag the figures down (issue 15)
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
    URI base = URI.create(args[1]);
    switch (args[0]) {
      case "idle" -> idle(base, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "callee" -> callee(base, Integer.parseInt(args[2]));
      case "caller" -> caller(base, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static String token(URI base, String user) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(base.resolve("/oauth/token"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
    HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("token for " + user + ": " + resp.statusCode());
    }
    return JSON.readTree(resp.body()).get("access_token").asText();
  }

  static URI ws(URI base) {
    return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/v1/signaling");
  }

  static CompletableFuture<WebSocket> open(URI base, String token, WebSocket.Listener l) {
    return HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .subprotocols("patchbay.v1").connectTimeout(Duration.ofSeconds(30))
        .buildAsync(ws(base), l);
  }

  /** Listener that counts text frames and hands complete ones to a callback. */
  static class Counting implements WebSocket.Listener {
    static final AtomicLong FIRST = new AtomicLong();
    static final AtomicLong LAST = new AtomicLong();
    final AtomicLong frames = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.incrementAndGet();
        long now = System.nanoTime();
        FIRST.compareAndSet(0, now);
        LAST.set(now);
        onFrame(w, partial.toString());
        partial.setLength(0);
      }
      w.request(1);
      return null;
    }

    void onFrame(WebSocket w, String text) {}
  }

  private static void idle(URI base, int sockets, int users) throws Exception {
    Semaphore inFlight = new Semaphore(256);
    List<WebSocket> open = new ArrayList<>();
    List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
    for (int i = 0; i < sockets; i++) {
      String token = token(base, "u" + (i % users));
      inFlight.acquire();
      pending.add(open(base, token, new Counting())
          .whenComplete((w, x) -> inFlight.release()));
    }
    int failed = 0;
    for (CompletableFuture<WebSocket> f : pending) {
      try {
        open.add(f.get(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        failed++;
      }
    }
    System.out.println("OPEN " + open.size() + " failed=" + failed);
    System.out.flush();
    waitForStdinClose();
    for (WebSocket w : open) {
      w.sendClose(1000, "done");
    }
    Thread.sleep(2_000);
    open.forEach(WebSocket::abort);
  }

  private static void callee(URI base, int pairs) throws Exception {
    List<Counting> listeners = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      Counting l = new Counting() {
        @Override
        void onFrame(WebSocket w, String text) {
          if (text.startsWith("{\"type\":\"incoming\"")) {
            try {
              String callId = JSON.readTree(text).get("callId").asText();
              w.sendText("{\"type\":\"answer\",\"callId\":\"" + callId
                  + "\",\"sdp\":\"v=0\\r\\n\"}", true);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        }
      };
      open(base, token(base, "b" + i), l).get(30, TimeUnit.SECONDS);
      listeners.add(l);
    }
    System.out.println("READY");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("report")) {
        long total = listeners.stream().mapToLong(l -> l.frames.get()).sum();
        double secs = (Counting.LAST.get() - Counting.FIRST.get()) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "RECEIVED %d in %.2f s = %.0f frames/s%n",
            total, secs, total / Math.max(secs, 1e-9));
        System.out.flush();
      }
    }
  }

  private static void caller(URI base, int pairs, int seconds) throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    List<CompletableFuture<Void>> answered = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      CompletableFuture<Void> answer = new CompletableFuture<>();
      Counting l = new Counting() {
        @Override
        void onFrame(WebSocket w, String text) {
          if (text.startsWith("{\"type\":\"answer\"")) {
            answer.complete(null);
          }
        }
      };
      WebSocket w = open(base, token(base, "a" + i), l).get(30, TimeUnit.SECONDS);
      w.sendText("{\"type\":\"invite\",\"callId\":\"bench-" + i + "\",\"to\":\"b" + i
          + "\",\"sdp\":\"v=0\\r\\n\"}", true).get(10, TimeUnit.SECONDS);
      sockets.add(w);
      answered.add(answer);
    }
    CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong sent = new AtomicLong();
    List<Thread> pumps = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      WebSocket w = sockets.get(i);
      String frame = "{\"type\":\"candidate\",\"callId\":\"bench-" + i + "\",\"candidate\":"
          + "\"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\",\"sdpMid\":\"0\","
          + "\"sdpMLineIndex\":0}";
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          w.sendText(frame, true).join();
          sent.incrementAndGet();
        }
      });
      t.start();
      pumps.add(t);
    }
    long t0 = System.nanoTime();
    for (Thread t : pumps) {
      t.join();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(java.util.Locale.ROOT, "SENT %d in %.2f s = %.0f frames/s%n", sent.get(),
        secs, sent.get() / secs);
    System.out.flush();
    waitForStdinClose();
    for (int i = 0; i < pairs; i++) {
      sockets.get(i).sendText("{\"type\":\"bye\",\"callId\":\"bench-" + i + "\"}", true);
      sockets.get(i).sendClose(1000, "done");
    }
    Thread.sleep(1_000);
  }

  private static void waitForStdinClose() throws Exception {
    while (System.in.read() != -1) {
      // wait for the parent to close our stdin
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
