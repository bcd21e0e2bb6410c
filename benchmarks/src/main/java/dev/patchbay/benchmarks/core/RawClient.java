package dev.patchbay.benchmarks.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The baseline: a minimal hand-written client (OkHttp + Jackson, no SDK) doing the same frames
 * as the SDK for one call: invite → ringing → candidate, candidate{complete} → answer → bye →
 * ended. No deadlines, no retries, no state machine: the least any client must do.
 */
final class RawClient implements AutoCloseable {
  static final String OFFER = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "t=0 0\r\na=group:BUNDLE 0\r\na=msid-semantic: WMS\r\n"
      + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
      + "a=ice-ufrag:Wb1x\r\na=ice-pwd:Qm2R7j1XbE0v6m1LlV3s8q9K\r\na=ice-options:trickle\r\n"
      + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:"
      + "55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\n"
      + "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
  private static final String CANDIDATE =
      "candidate:1 1 udp 2122260223 127.0.0.1 9 typ host generation 0";

  private final ObjectMapper json = new ObjectMapper();
  private final OkHttpClient http;
  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private final WebSocket ws;

  /** @param noDelay disable Nagle's algorithm (as the SDK does), for an apples-to-apples run */
  RawClient(URI edge, String user, String secret, boolean noDelay) throws Exception {
    OkHttpClient.Builder b = new OkHttpClient.Builder();
    if (noDelay) {
      b.socketFactory(new dev.patchbay.internal.signaling.NoDelaySocketFactory());
    }
    http = b.build();
    Request tokenRequest = new Request.Builder().url(edge.resolve("/oauth/token").toString())
        .header("Authorization", Credentials.basic(user, secret))
        .post(new FormBody.Builder().add("grant_type", "client_credentials").build()).build();
    String token;
    try (Response r = http.newCall(tokenRequest).execute()) {
      token = json.readTree(r.body().string()).get("access_token").asText();
    }
    CountDownLatch open = new CountDownLatch(1);
    ws = http.newWebSocket(new Request.Builder().url(edge.resolve("/v1/signaling").toString())
        .header("Authorization", "Bearer " + token)
        .header("Sec-WebSocket-Protocol", "patchbay.v1").build(), new WebSocketListener() {
          @Override
          public void onMessage(WebSocket webSocket, String text) {
            try {
              inbox.add(json.readTree(text));
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }

          @Override
          public void onOpen(WebSocket webSocket, Response response) {
            open.countDown();
          }
        });
    if (!open.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("raw client could not connect");
    }
    await("hello", null);
  }

  /** One call: set up until the answer arrived, then torn down until ended arrived. */
  void callCycle(String to) throws Exception {
    String callId = UUID.randomUUID().toString();
    send(frame("invite", callId).put("to", to).put("sdp", OFFER));
    await("ringing", callId);
    send(frame("candidate", callId).put("candidate", CANDIDATE).put("sdpMid", "0")
        .put("sdpMLineIndex", 0));
    send(frame("candidate", callId).put("complete", true));
    await("answer", callId);
    send(frame("bye", callId).put("reason", "hangup"));
    await("ended", callId);
  }

  private ObjectNode frame(String type, String callId) {
    return json.createObjectNode().put("type", type).put("callId", callId);
  }

  private void send(ObjectNode frame) throws IOException {
    ws.send(json.writeValueAsString(frame));
  }

  private void await(String type, String callId) throws InterruptedException {
    while (true) {
      JsonNode f = inbox.poll(10, TimeUnit.SECONDS);
      if (f == null) {
        throw new IllegalStateException("raw client: no " + type + " within 10 s");
      }
      if (type.equals(f.path("type").asText())
          && (callId == null || callId.equals(f.path("callId").asText()))) {
        return;
      }
    }
  }

  @Override
  public void close() {
    ws.close(1000, null);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
