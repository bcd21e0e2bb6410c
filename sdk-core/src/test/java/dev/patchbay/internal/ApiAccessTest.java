package dev.patchbay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AuthenticationException;
import dev.patchbay.CallFailedException;
import dev.patchbay.ClosedException;
import dev.patchbay.Credentials;
import dev.patchbay.EdgeRejectedException;
import dev.patchbay.PatchbayException;
import dev.patchbay.ProtocolException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bridge loads itself on first use, and nothing but core's own bridge can stand in. */
class ApiAccessTest {
  @Test
  void theBridgeIsCoresOwnAndInstalledOnce() {
    ApiAccess bridge = ApiAccess.get();
    assertThat(bridge.getClass().getName()).isEqualTo("dev.patchbay.ApiBridge");
    assertThat(ApiAccess.get()).isSameAs(bridge);
    assertThatThrownBy(() -> ApiAccess.install(bridge))
        .isInstanceOf(IllegalStateException.class).hasMessage("ApiAccess is already installed");
  }

  @Test
  void anotherImplementationCannotBeMade() {
    assertThatThrownBy(Impostor::new)
        .isInstanceOf(IllegalStateException.class).hasMessage("ApiAccess is internal to Patchbay");
  }

  /** What an app might try: its own bridge, to read credentials' secrets. */
  static final class Impostor extends ApiAccess {
    @Override
    public CredentialParts parts(Credentials credentials) {
      return null;
    }

    @Override
    public PatchbayException patchbay(String message, Throwable cause, boolean retryable,
        int status, Duration retryAfter) {
      return null;
    }

    @Override
    public ProtocolException protocol(String message, Throwable cause) {
      return null;
    }

    @Override
    public AuthenticationException authentication(String message, String error,
        Throwable cause, boolean retryable, int status, Duration retryAfter) {
      return null;
    }

    @Override
    public CallFailedException callFailed(String callId, String message, int status,
        int attempts, boolean retryable, Duration retryAfter, Throwable cause) {
      return null;
    }

    @Override
    public ClosedException closed(String message) {
      return null;
    }

    @Override
    public EdgeRejectedException edgeRejected(String message, int status, boolean retryable,
        Duration retryAfter, Throwable cause) {
      return null;
    }
  }
}
