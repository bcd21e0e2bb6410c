package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.Call;
import dev.patchbay.Credentials;
import dev.patchbay.EndReason;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** OkHttp 4.12 declared after Patchbay: OkHttp 5 serves Patchbay, with the app's Okio. */
class OkHttp4AfterPatchbayTest {

  @Test
  void patchbayRunsOnTheOkHttpFirstOnTheClassPath() throws Exception {
    // Maven kept both jars; Patchbay's okhttp-jvm (declared first) serves every okhttp3 class
    assertEquals(2, Collections.list(getClass().getClassLoader()
        .getResources("okhttp3/OkHttpClient.class")).size());
    assertTrue(((String) Class.forName("okhttp3.OkHttp").getField("VERSION").get(null)).startsWith("5."));
    assertTrue(okhttp3.OkHttpClient.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath().contains("okhttp-jvm-5."));

    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start()) {
      Patchbay patchbay = Patchbay.builder().edge(edge.uri())
          .mediaEngine(MediaEngines.signalingOnly()).build();
      try {
        UserAgent alice = patchbay.connect(Credentials.clientCredentials("alice", "alice-secret"),
            UserAgentOptions.defaults("acme")).get(30, TimeUnit.SECONDS);
        Call call = alice.dial("auto-answer").get(30, TimeUnit.SECONDS);
        call.hangUp().get(10, TimeUnit.SECONDS);
        assertEquals(Optional.of(EndReason.LOCAL_HANGUP), call.endReason());
        alice.close(); // revokes the token: one more OkHttp request
      } finally {
        patchbay.close();
      }
      assertTrue(patchbay.diagnostics().isIdle(), patchbay.diagnostics().toString());
      edge.assertNoLeaks();
      assertEquals(0, edge.liveTokens());
    }
  }
}
