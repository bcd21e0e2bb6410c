package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
    assertThatThrownBy(() -> Patchbay.builder().tenantLimits("acme", 0, 1))
        .hasMessage("maxSockets must be >= 1, but was 0");
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
        UserAgentOptions.of("acme"))).isInstanceOf(ClosedException.class);
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
}
