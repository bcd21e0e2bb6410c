package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.media.MediaEngines;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class PatchbayBuilderTest {

  @Test
  void edgeIsRequired() {
    assertThatThrownBy(() -> Patchbay.builder().build())
        .hasMessage("edge must be set, but was null");
  }

  @Test
  void edgeMustBeAnAbsoluteHttpUri() {
    assertThatThrownBy(() -> Patchbay.builder().edge(URI.create("ftp://edge.example.com")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edge must be an absolute http(s) URI with a host, but was "
            + "ftp://edge.example.com");
  }

  @Test
  void durationsMustBePositive() {
    assertThatThrownBy(() -> Patchbay.builder().heartbeat(Duration.ZERO))
        .hasMessage("heartbeat must be > 0, but was PT0S");
  }

  @Test
  void tenantLimitsMustBePositive() {
    assertThatThrownBy(() -> Patchbay.builder().tenantLimits("acme", new TenantLimits(0, 1)))
        .hasMessage("maxSockets must be >= 1, but was 0");
    assertThatThrownBy(() -> TenantLimits.builder().maxNegotiations(0))
        .hasMessage("maxNegotiations must be >= 1, but was 0");
    assertThat(TenantLimits.builder().maxSockets(2).build().toBuilder().maxNegotiations(3).build())
        .isEqualTo(new TenantLimits(2, 3));
    assertThat(TenantLimits.defaults().maxSockets()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void withoutAnEngineOrProviderTheBuildFailsNamingTheFix() {
    assertThatThrownBy(() -> Patchbay.builder().edge(URI.create("http://127.0.0.1:1")).build())
        .isInstanceOf(PatchbayException.class)
        .hasMessageContaining("MediaEngines.signalingOnly()");
  }

  @Test
  void closeIsIdempotentAndLeavesNothing() {
    Patchbay p = Patchbay.builder().edge(URI.create("http://127.0.0.1:1"))
        .mediaEngine(MediaEngines.signalingOnly()).build();

    p.close();
    p.close();

    assertThat(p.diagnostics().isIdle()).isTrue();
    assertThat(p.diagnostics().sdkThreads()).isZero();
    assertThatThrownBy(() -> p.connect(Credentials.clientCredentials("a", "b"),
        UserAgentOptions.defaults("acme"))).isInstanceOf(ClosedException.class);
  }

  @Test
  void userAgentOptionsValidateWithClearMessages() {
    assertThatThrownBy(() -> UserAgentOptions.builder(" "))
        .hasMessage("tenant must be 1-128 characters without surrounding blanks, but was \" \"");
    assertThatThrownBy(() -> UserAgentOptions.builder("acme").ringTimeout(Duration.ofSeconds(-1)))
        .hasMessage("ringTimeout must be > 0, but was PT-1S");
    UserAgentOptions o = UserAgentOptions.builder("acme").userId("alice").build();
    assertThat(o.toBuilder().build().userId()).isEqualTo("alice");
    assertThat(o.tenant()).isEqualTo("acme");
  }

  /** Builds with {@code builder} and returns the WARN lines {@code Patchbay} logged meanwhile. */
  private static List<String> warningsWhileBuilding(Patchbay.Builder builder) {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(Patchbay.class);
    logger.addAppender(logs);
    try {
      builder.mediaEngine(MediaEngines.signalingOnly()).build().close();
    } finally {
      logger.detachAppender(logs);
    }
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://edge.example.com", "http://10.0.0.7:8080",
      "http://[2001:db8::1]:80", "http://localhost.example.com", "http://128.0.0.1"})
  void aPlaintextEdgeOffLoopbackIsRefusedAtBuild(String uri) {
    assertThatThrownBy(() -> Patchbay.builder().edge(URI.create(uri))
        .mediaEngine(MediaEngines.signalingOnly()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plaintext").hasMessageContaining("allowPlaintext()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:1", "http://127.8.9.10:1", "http://localhost:1",
      "http://[::1]:1", "https://edge.example.com"})
  void loopbackAndTlsEdgesAreAcceptedWithoutAWarning(String uri) {
    assertThat(warningsWhileBuilding(Patchbay.builder().edge(URI.create(uri)))).isEmpty();
  }

  @Test
  void allowPlaintextAcceptsARemotePlaintextEdgeWithOneWarning() {
    List<String> warnings = warningsWhileBuilding(
        Patchbay.builder().edge(URI.create("http://user:pw@edge.example.com:8080/")).allowPlaintext());
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("http://edge.example.com:8080/")
        .contains("unencrypted").doesNotContain("pw@");
  }
}
