package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BadInputTest {
  FakeEdge edge;
  EdgeClients clients;
  RawWebSocket ws;

  @BeforeEach
  void start() throws Exception {
    edge = FakeEdge.builder().user("acme", "alice", "alice-secret").maxFrameChars(2048).start();
    clients = new EdgeClients(edge);
    ws = clients.connect("alice");
    hello(ws);
  }

  @AfterEach
  void stop() {
    clients.close();
    assertThat(edge.counters().get("serverErrors")).isZero();
    edge.assertNoLeaks();
    edge.close();
  }

  @Test
  void malformedJsonClosesWith1007() throws Exception {
    ws.sendText("{not json");
    assertThat(ws.closeCode(T)).isEqualTo(1007);
  }

  @Test
  void invalidUtf8ClosesWith1007() throws Exception {
    ws.writeFrame(0x1, new byte[] {(byte) 0xC3, (byte) 0x28});
    assertThat(ws.closeCode(T)).isEqualTo(1007);
  }

  @Test
  void oversizedFrameClosesWith1009() throws Exception {
    ws.sendText("{\"type\":\"bye\",\"callId\":\"" + "x".repeat(4000) + "\"}");
    assertThat(ws.closeCode(T)).isEqualTo(1009);
  }

  @Test
  void unknownTypeMissingAndWrongTypedFieldsGetError400AndKeepTheSocket() throws Exception {
    ws.sendText("{\"type\":\"teleport\"}");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    ws.sendText("{\"type\":\"invite\",\"callId\":\"c\"}");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    ws.sendText("{\"type\":\"invite\",\"callId\":7,\"to\":[],\"sdp\":\"v=0\"}");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    ws.sendText("{\"callId\":\"c\"}");
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    ws.send(new Frames.Hello("c-1", "alice", "acme", 1000L, 0L, null, null));
    assertThat(ws.next(Frames.Error.class, T).message()).contains("not accepted from clients");
    ws.writeFrame(0x2, new byte[] {1, 2, 3});
    assertThat(ws.next(Frames.Error.class, T).status()).isEqualTo(400);
    // still usable
    ws.send(new Frames.Invite("ok", "auto-answer", OFFER));
    ws.next(Frames.Answer.class, T);
    ws.send(new Frames.Bye("ok", null));
    ws.next(Frames.Ended.class, T);
    assertThat(ws.isClosed()).isFalse();
  }

  @Test
  void framesForCallsThatDoNotExistGetError404WithTheCallId() throws Exception {
    ws.send(new Frames.Bye("ghost", null));
    Frames.Error e = ws.next(Frames.Error.class, T);
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.callId()).isEqualTo("ghost");
    ws.send(new Frames.Answer("ghost2", "v=0"));
    assertThat(ws.next(Frames.Error.class, T).callId()).isEqualTo("ghost2");
    ws.send(new Frames.Candidate("ghost3", "candidate:1", "0", 0, null));
    assertThat(ws.next(Frames.Error.class, T).callId()).isEqualTo("ghost3");
    assertThat(edge.openCalls()).isZero();
  }

  @Test
  void randomGarbageNeverCausesServerErrorsOrHeldSlots() throws Exception {
    Random r = new Random(7);
    String[] pieces = {"{", "}", "\"type\"", ":", "\"invite\"", "\"bye\"", ",", "\"callId\"",
        "\"c1\"", "\"to\"", "\"auto-answer\"", "\"sdp\"", "\"v=0\"", "null", "[", "]", "1e999",
        "\"\\u0000\"", "true"};
    for (int i = 0; i < 300 && !ws.isClosed(); i++) {
      StringBuilder sb = new StringBuilder("{\"type\":\"");
      sb.append(r.nextBoolean() ? "invite" : "bye").append('"');
      for (int j = r.nextInt(8); j > 0; j--) {
        sb.append(pieces[r.nextInt(pieces.length)]);
      }
      try {
        ws.sendText(sb.toString());
      } catch (java.io.IOException closedByTheEdge) {
        break; // malformed JSON closes with 1007; the edge may already be gone
      }
    }
    ws.close();
    // a fresh socket still works
    RawWebSocket again = clients.connect("alice");
    hello(again);
    again.send(new Frames.Invite("fresh", "auto-answer", OFFER));
    again.next(Frames.Answer.class, T);
    again.send(new Frames.Bye("fresh", null));
    again.next(Frames.Ended.class, T);
  }

  @Test
  void garbageOnHttpEndpointsIsA4xxNotAServerError() throws Exception {
    var a = OAuthClient.post(edge.uri(), "/oauth/token",
        java.util.Map.of("grant_type", "client_credentials", "%%", "\u0000"), null, null);
    assertThat(a.status()).isEqualTo(401);
    var raw = OAuthClient.HTTP.send(java.net.http.HttpRequest.newBuilder(
            edge.uri().resolve("/oauth/token"))
        .header("Authorization", "Basic !!!notbase64")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=%zz&a",
            StandardCharsets.UTF_8)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isBetween(400, 499);
    assertThat(OAuthClient.get(edge.uri().resolve("/nope")).statusCode()).isEqualTo(404);
    assertThat(OAuthClient.get(edge.uri().resolve("/oauth/authorize")).statusCode())
        .isEqualTo(400);
  }
}
