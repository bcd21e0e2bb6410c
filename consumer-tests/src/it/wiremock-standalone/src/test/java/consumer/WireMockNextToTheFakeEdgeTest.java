package consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.patchbay.Credentials;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgent;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.testkit.FakeEdge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WireMock 3 on Jetty 11 and the fake edge in one JVM: both start, both answer. */
class WireMockNextToTheFakeEdgeTest {

  @Test
  void wireMockAndTheFakeEdgeServeSideBySide() throws Exception {
    WireMockServer wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    wiremock.start();
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start()) {
      assertTrue(org.eclipse.jetty.util.Jetty.VERSION.startsWith("11."),
          org.eclipse.jetty.util.Jetty.VERSION);
      wiremock.stubFor(get("/ping").willReturn(ok("pong")));
      HttpResponse<String> pong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(wiremock.baseUrl() + "/ping")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("pong", pong.body());

      try (Patchbay patchbay = Patchbay.builder().edge(edge.uri())
          .mediaEngine(MediaEngines.signalingOnly()).build()) {
        UserAgent alice = patchbay.connect(Credentials.clientCredentials("alice", "alice-secret"),
            UserAgentOptions.defaults("acme")).get(30, TimeUnit.SECONDS);
        assertEquals(1, edge.openSockets());
        alice.close();
      }
      edge.assertNoLeaks();
    } finally {
      wiremock.stop();
    }
  }
}
