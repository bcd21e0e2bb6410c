package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.patchbay.Credentials;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.FakeEdgeConfig;
import dev.patchbay.testkit.FakeEdgeTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JUnit extension works with the app's own (test-scoped) JUnit. */
@FakeEdgeTest
class FakeEdgeExtensionTest {

  @FakeEdgeConfig
  static FakeEdge.Builder edge() {
    return FakeEdge.builder().user("acme", "alice", "alice-secret");
  }

  @Test
  void theExtensionInjectsAnEdge(FakeEdge edge) throws Exception {
    try (Patchbay patchbay = Patchbay.builder().edge(edge.uri())
        .mediaEngine(MediaEngines.signalingOnly()).build()) {
      UserAgent alice = patchbay.connect(Credentials.clientCredentials("alice", "alice-secret"),
          UserAgentOptions.defaults("acme")).get(30, TimeUnit.SECONDS);
      assertEquals(1, edge.openSockets());
      alice.close();
    }
  }
}
