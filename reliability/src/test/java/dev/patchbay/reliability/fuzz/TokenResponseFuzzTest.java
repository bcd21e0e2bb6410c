package dev.patchbay.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.patchbay.PatchbayException;
import dev.patchbay.internal.auth.TokenProbe;
import dev.patchbay.reliability.figures.Figures;
import java.time.Instant;
import java.util.List;

/**
 * Any answer of a token endpoint (status, Retry-After header, body) either parses into a
 * validated token response or fails with a typed {@link PatchbayException} whose message never
 * echoes a secret the request carried. Anything else (an unchecked exception, a hang) is a bug.
 */
class TokenResponseFuzzTest {
  private static final String SECRET = "rt-fuzz-refresh-secret";
  private static final int[] STATUSES = {200, 201, 204, 400, 401, 403, 404, 429, 500, 502, 503};
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @FuzzTest(maxDuration = "5m")
  void tokenAnswerParsesOrFailsTyped(FuzzedDataProvider data) {
    Figures.fuzzInput("token-response");
    int status = data.pickValue(STATUSES);
    String retryAfter = data.consumeBoolean() ? data.consumeString(48) : null;
    boolean echo = data.consumeBoolean();
    String body = data.consumeRemainingAsString();
    if (echo) { // a server echoing the request's secret must not get it into a message
      body = body.replace("SECRET", SECRET);
    }
    TokenProbe.Parsed p;
    try {
      p = TokenProbe.parse(status, body, retryAfter, List.of(SECRET), NOW);
    } catch (PatchbayException expected) {
      assertThat(expected.getMessage()).isNotBlank().doesNotContain(SECRET);
      assertThat(expected.toString()).doesNotContain(SECRET);
      return;
    }
    assertThat(status / 100).isEqualTo(2);
    assertThat(p.accessToken()).isNotBlank();
    assertThat(p.expiresIn() == null || p.expiresIn() >= 0).isTrue();
    assertThat(p.refreshToken() == null || !p.refreshToken().isBlank()).isTrue();
  }
}
