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

  static FakeEdge firstEdge;
  static int upgradesSeenBySecond = -1;
  static int socketsSeenBySecond = -1;

  @Test
  void aStaticRegisteredEdgeServesTheWholeClassWithAResetAndLeakCheckPerTest() {
    firstEdge = null;
    lastEdge = null;
    Events events = run(PerClassFieldFixture.class);
    assertPerClass(events);
  }

  @Test
  void thePerClassScopeOfTheAnnotationDoesTheSame() {
    firstEdge = null;
    lastEdge = null;
    Events events = run(PerClassScopeFixture.class);
    assertPerClass(events);
  }

  private static void assertPerClass(Events events) {
    // the first test leaks a socket and fails; the second gets the same edge, reset
    events.assertStatistics(s -> s.succeeded(1).failed(1));
    assertThat(events.failed().list().get(0).getPayload(
        org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable()
        .orElseThrow()).hasMessageContaining("1 open sockets");
    assertThat(lastEdge).isSameAs(firstEdge);
    assertThat(socketsSeenBySecond).isZero();
    assertThat(upgradesSeenBySecond).as("counters reset between tests").isZero();
    assertThat(portClosed(lastEdge)).as("closed after the class").isTrue();
  }

  static void leakASocket(FakeEdge edge) throws Exception {
    firstEdge = edge;
    String t = OAuthClient.accessToken(edge.uri(), "alice", "alice-secret");
    RawWebSocket ws = RawWebSocket.connect(edge.signalingUri(), t, null);
    ws.next(Frames.Hello.class, Duration.ofSeconds(5));
    assertThat(edge.counters().get("upgrades")).isEqualTo(1);
  }

  static void startClean(FakeEdge edge) {
    lastEdge = edge;
    socketsSeenBySecond = edge.openSockets();
    upgradesSeenBySecond = (int) edge.counters().get("upgrades");
  }

  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = FIXTURES, matches = "on")
  @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
  static class PerClassFieldFixture {
    @org.junit.jupiter.api.extension.RegisterExtension
    static FakeEdgeExtension edge = FakeEdgeExtension.perClass(FakeEdge.builder()
        .user("acme", "alice", "alice-secret").leakGrace(Duration.ofMillis(200)));

    @Test
    @org.junit.jupiter.api.Order(1)
    void leaks() throws Exception {
      leakASocket(edge.edge());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void startsClean(FakeEdge injected) {
      assertThat(injected).isSameAs(edge.edge());
      startClean(injected);
    }
  }

  @FakeEdgeTest(scope = FakeEdgeTest.Scope.PER_CLASS)
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = FIXTURES, matches = "on")
  @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
  static class PerClassScopeFixture {
    @FakeEdgeConfig
    static FakeEdge.Builder config() {
      return FakeEdge.builder().user("acme", "alice", "alice-secret")
          .leakGrace(Duration.ofMillis(200));
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void leaks(FakeEdge edge) throws Exception {
      leakASocket(edge);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void startsClean(FakeEdge edge) {
      startClean(edge);
    }
  }
}
