package dev.patchbay.testkit;

import static dev.patchbay.testkit.support.EdgeClients.OFFER;
import static dev.patchbay.testkit.support.EdgeClients.T;
import static dev.patchbay.testkit.support.EdgeClients.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.EdgeClients;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CountersTest {

  @Test
  void aScriptedSessionMovesExactlyTheExpectedCounters() throws Exception {
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret")
        .backendClient("acme", "svc", "svc-secret").start();
        EdgeClients clients = new EdgeClients(edge)) {
      String rt = OAuthClient.clientCredentials(edge.uri(), "alice", "alice-secret")
          .field("refresh_token");
      OAuthClient.refresh(edge.uri(), rt, "alice", "alice-secret");
      OAuthClient.post(edge.uri(), "/oauth/token", Map.of(
          "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
          "subject_token", edge.subjectTokenFor("alice"),
          "subject_token_type", "urn:ietf:params:oauth:token-type:id_token"), "svc", "svc-secret");
      RawWebSocket ws = clients.connect("alice"); // 4th token request
      hello(ws);
      ws.send(new Frames.Invite("c1", "auto-answer", OFFER));
      ws.next(Frames.Candidate.class, T);
      ws.next(Frames.Candidate.class, T);
      ws.send(new Frames.Bye("c1", null));
      ws.next(Frames.Ended.class, T);
      ws.send(new Frames.Bye("nope", null));
      ws.next(Frames.Error.class, T);
      ws.sendText("{\"type\":\"warp\"}");
      ws.next(Frames.Error.class, T);
      edge.faults().sendClosing("alice", 100);
      ws.next(Frames.Closing.class, T);
      assertThat(ws.closeCode(T)).isEqualTo(1001);
      await().atMost(T).until(() -> edge.openSockets() == 0);

      Counters c = edge.counters();
      assertThat(c.tokenRequests()).isEqualTo(4);
      assertThat(c.tokensIssued()).isEqualTo(4);
      assertThat(c.get("refreshes")).isEqualTo(1);
      assertThat(c.get("tokenExchanges")).isEqualTo(1);
      assertThat(c.upgradeAttempts()).isEqualTo(1);
      assertThat(c.upgrades()).isEqualTo(1);
      assertThat(c.calls()).isEqualTo(1);
      assertThat(c.get("callsAnswered")).isEqualTo(1);
      assertThat(c.get("callsEnded")).isEqualTo(1);
      assertThat(c.get("unknownCallFrames")).isEqualTo(1);
      assertThat(c.get("badFrames")).isEqualTo(1);
      assertThat(c.get("framesIn")).isEqualTo(4);
      // hello, ringing, answer, 2 candidates, ended, error, error, closing
      assertThat(c.get("framesOut")).isEqualTo(9);
      assertThat(c.get("closingsSent")).isEqualTo(1);
      assertThat(c.get("socketsClosed")).isEqualTo(1);
      assertThat(c.get("serverErrors")).isZero();
      assertThat(c.violations()).isZero();
      assertThat(c.refusalsByStatus()).isEmpty();
    }
  }

  @Test
  void countersAndStateStayExactUnderConcurrentClients() throws Exception {
    int users = 16;
    int callsEach = 10;
    FakeEdge.Builder b = FakeEdge.builder();
    for (int i = 0; i < users; i++) {
      b.user("acme", "u" + i, "u" + i + "-secret");
    }
    try (FakeEdge edge = b.start()) {
      ExecutorService pool = Executors.newFixedThreadPool(users);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < users; i++) {
          String user = "u" + i;
          results.add(pool.submit((Callable<Integer>) () -> {
            try (EdgeClients clients = new EdgeClients(edge)) {
              RawWebSocket ws = clients.connect(user);
              hello(ws);
              for (int k = 0; k < callsEach; k++) {
                String id = user + "-" + k;
                ws.send(new Frames.Invite(id, "auto-answer", OFFER));
                ws.send(new Frames.Invite(id, "auto-answer", OFFER)); // idempotent re-send
                ws.next(Frames.Answer.class, T);
                ws.send(new Frames.Bye(id, null));
                ws.next(Frames.Ended.class, T);
              }
              return callsEach;
            }
          }));
        }
        for (Future<Integer> f : results) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(callsEach);
        }
      } finally {
        pool.shutdownNow();
      }
      edge.assertNoLeaks(Duration.ofSeconds(5));
      Counters c = edge.counters();
      assertThat(c.calls()).isEqualTo(users * callsEach);
      assertThat(c.duplicateInvites()).isEqualTo(users * callsEach);
      assertThat(c.get("callsEnded")).isEqualTo(users * callsEach);
      assertThat(c.upgrades()).isEqualTo(users);
      assertThat(c.tokenRequests()).isEqualTo(users);
      assertThat(c.get("serverErrors")).isZero();
    }
  }
}
