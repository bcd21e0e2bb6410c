package dev.patchbay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.testkit.support.OAuthClient;
import dev.patchbay.testkit.support.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class FakeEdgeExtensionTest {
  static final String FIXTURES = "patchbay.testkit.fixtures";
  static FakeEdge lastEdge;

  static Events run(Class<?> fixture) {
    System.setProperty(FIXTURES, "on");
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute()
          .testEvents();
    } finally {
      System.clearProperty(FIXTURES);
    }
  }

  @Test
  void injectsAConfiguredEdgeAndPassesWhenNothingLeaks() {
    Events events = run(CleanFixture.class);
    events.assertStatistics(s -> s.succeeded(1).failed(0));
    assertThat(lastEdge.openSockets()).isZero();
    // closed by JUnit: the port no longer answers
    assertThat(portClosed(lastEdge)).isTrue();
  }

  @Test
  void failsTheTestThatLeavesASocketOpen() {
    Events events = run(LeakyFixture.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable failure = events.failed().list().get(0).getPayload(
        org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable()
        .orElseThrow();
    assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("1 open sockets");
  }

  static boolean portClosed(FakeEdge edge) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", edge.port())) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  @FakeEdgeTest
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = FIXTURES, matches = "on")
  static class CleanFixture {
    @FakeEdgeConfig
    static FakeEdge.Builder config() {
      return FakeEdge.builder().user("acme", "alice", "alice-secret");
    }

    @Test
    void connects(FakeEdge edge) throws Exception {
      lastEdge = edge;
      String t = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
      try (RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), t, null)) {
        assertThat(ws.next(Frames.Hello.class, Duration.ofSeconds(5)).tenantId())
            .isEqualTo("acme");
      }
    }
  }

  /** Runs only inside {@link #failsTheTestThatLeavesASocketOpen} (it fails on purpose). */
  @FakeEdgeTest
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = FIXTURES, matches = "on")
  static class LeakyFixture {
    @FakeEdgeConfig
    static FakeEdge.Builder config() {
      return FakeEdge.builder().user("acme", "alice", "alice-secret")
          .leakGrace(Duration.ofMillis(200));
    }

    @Test
    void leaks(FakeEdge edge) throws Exception {
      String t = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
      RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), t, null);
      ws.next(Frames.Hello.class, Duration.ofSeconds(5));
      // never closed: the extension must fail this test (JUnit closes the edge afterwards)
    }
  }
}
