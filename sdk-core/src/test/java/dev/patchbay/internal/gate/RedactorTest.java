package dev.patchbay.internal.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The registry is counted and bounded; the heuristic masks credentials, not prose or ids. */
class RedactorTest {
  private final Redactor r = new Redactor();

  @Test
  void aSecretStaysMaskedUntilEveryHolderReleasedIt() {
    Redactor.Registration a = r.register("shared-secret-1");
    Redactor.Registration b = r.register("shared-secret-1");
    a.close();
    a.close(); // idempotent
    assertThat(r.redact("x shared-secret-1 y")).isEqualTo("x ██ y");
    b.close();
    assertThat(r.redact("x shared-secret-1 y")).isEqualTo("x shared-secret-1 y");
    assertThat(r.size()).isZero();
  }

  @Test
  void overlappingSecretsAreMaskedWhole() {
    r.register("abcdef", "abcdefghijkl");
    assertThat(r.redact("<abcdefghijkl>")).isEqualTo("<██>");
  }

  @Test
  void aHolderKeepsOnlyTheNewestValuesPerSlot() {
    Redactor.Holder h = r.holder(1);
    for (int i = 0; i < 100; i++) {
      h.hold("access", "access-token-" + i);
    }
    assertThat(r.redact("access-token-99 access-token-98")).isEqualTo("██ ██");
    assertThat(r.redact("access-token-97")).isEqualTo("access-token-97");
    int held = r.size();
    assertThat(held).isEqualTo(Redactor.formsOf("access-token-99").size()
        + Redactor.formsOf("access-token-98").size());
    h.close();
    h.hold("access", "late-token-123"); // after close: released at once
    assertThat(r.size()).isZero();
  }

  @Test
  void clientSecretsAreMaskedInBasicForm() {
    r.registerClient("my app", "s3cr3t:/x");
    String basic = java.util.Base64.getEncoder().encodeToString(
        "my+app:s3cr3t%3A%2Fx".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(r.redact("got " + basic)).isEqualTo("got ██");
    assertThat(r.redact("client my app")).isEqualTo("client my app");
  }

  @Test
  void theHeuristicMasksCredentialShapedRuns() {
    assertThat(r.redact("Authorization: Bearer eyJhbGciOi.J9eyJzdWIi.OiIxMjM0"))
        .isEqualTo("Authorization: Bearer ██");
    assertThat(r.redact("{\"refresh_token\": \"rt-abcdefgh\", \"password\":\"hunter2hunter\"}"))
        .isEqualTo("{\"refresh_token\": \"██\", \"password\":\"██\"}");
    assertThat(r.redact("a=ice-pwd:0123456789abcdef01234567")).isEqualTo("a=ice-pwd:██");
    assertThat(r.redact("code=4f9a8b7c6d")).isEqualTo("code=██");
    assertThat(r.redact("blob Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg end"))
        .isEqualTo("blob ██ end");
  }

  @Test
  void theHeuristicLeavesProseIdsAndErrorCodesAlone() {
    String callId = UUID.randomUUID().toString();
    for (String s : new String[] {"call " + callId + " not found (404)",
        "error code=invalid_grant", "dev.patchbay.internal.auth.TokenEndpoint failed",
        "media allocation timed out after 15000 ms", "callee is not connected",
        "turn:turn.example.com:3478?transport=udp"}) {
      assertThat(r.redact(s)).isEqualTo(s);
    }
  }

  @Test
  void redactionIsIdempotent() {
    r.register("registered-secret");
    String once = r.redact("x registered-secret Bearer abcdefgh token=zz99zz99 "
        + "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg");
    assertThat(r.redact(once)).isEqualTo(once);
  }
}
