package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LifecycleTest {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleTest.class);

  @Test
  void startsFastOnAnEphemeralLoopbackPortAndClosesIdempotently() throws Exception {
    FakeEdge.builder().start().close(); // warm up class loading
    List<Long> startMs = new ArrayList<>();
    List<Long> closeMs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start();
      startMs.add((System.nanoTime() - t0) / 1_000_000);
      assertThat(edge.uri().getHost()).isEqualTo("127.0.0.1");
      assertThat(edge.port()).isPositive();
      String t = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
      try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), t, null)) {
        ws.next(Frames.Hello.class, Duration.ofSeconds(5));
      }
      long t1 = System.nanoTime();
      edge.close();
      closeMs.add((System.nanoTime() - t1) / 1_000_000);
      edge.close();
      assertThat(FakeEdgeExtensionTest.portClosed(edge)).isTrue();
    }
    Collections.sort(startMs);
    Collections.sort(closeMs);
    LOG.info("fake edge start ms {} close ms {}", startMs, closeMs);
    assertThat(startMs.get(2)).as("median start ms").isLessThan(200);
    assertThat(closeMs.get(2)).as("median close ms").isLessThan(500);
  }

  @Test
  void manyEdgesRunInParallelOnDistinctPortsAndLeaveNoThreadsBehind() {
    List<FakeEdge> edges = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        edges.add(FakeEdge.builder().start());
      }
      assertThat(edges.stream().map(FakeEdge::port).distinct()).hasSize(8);
    } finally {
      edges.forEach(FakeEdge::close);
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.isAlive() && t.getName().startsWith("fake-edge")));
  }
}
