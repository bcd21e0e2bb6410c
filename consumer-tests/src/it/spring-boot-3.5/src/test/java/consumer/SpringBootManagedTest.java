package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Patchbay under Spring Boot 3.5.7's versions of its libraries: a user connects and calls. */
class SpringBootManagedTest {

  @Test
  void patchbayRunsOnBootsVersionsOfItsLibraries() throws Exception {
    // Boot's dependency management decided these (Patchbay's own: Jackson 2.20.1, Kotlin 2.2.21)
    assertEquals("2.19.2",
        com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
    assertEquals("1.9.25", kotlin.KotlinVersion.CURRENT.toString());
    assertTrue(org.junit.jupiter.api.Test.class.getProtectionDomain().getCodeSource()
        .getLocation().getPath().endsWith("junit-jupiter-api-5.12.2.jar"));

    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start()) {
      try (Patchbay patchbay = Patchbay.builder().edge(edge.uri())
          .mediaEngine(MediaEngines.signalingOnly()).build()) {
        UserAgent alice = patchbay.connect(Credentials.clientCredentials("alice", "alice-secret"),
            UserAgentOptions.defaults("acme")).get(30, TimeUnit.SECONDS);
        Call call = alice.dial("auto-answer").get(30, TimeUnit.SECONDS);
        call.hangUp().get(10, TimeUnit.SECONDS);
        alice.close();
        assertTrue(patchbay.diagnostics().openSockets() == 0, patchbay.diagnostics().toString());
      }
      edge.assertNoLeaks();
      assertEquals(0, edge.liveTokens());
    }
  }
}
