package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.internal.Errors;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Exception constructors are not API: the SDK makes its exceptions (internal code through
 * {@link Errors}); only the two meant for subclassing (a media engine's own failures) have
 * protected constructors.
 */
class ExceptionConstructorsTest {
  static final Set<Class<?>> SUBCLASSABLE = Set.of(PatchbayException.class, ProtocolException.class);

  @Test
  void noPublicExceptionHasAPublicConstructor() throws Exception {
    List<Class<?>> exceptions = PublicApiTest.publicApiClasses().stream()
        .filter(Throwable.class::isAssignableFrom).toList();
    assertThat(exceptions).contains(PatchbayException.class, ClosedException.class,
        CallFailedException.class, AuthenticationException.class, EdgeRejectedException.class,
        ProtocolException.class);
    assertThat(violations(exceptions)).isEmpty();
  }

  @Test
  void theCheckReportsAPublicConstructor() {
    assertThat(violations(List.of(OldStyle.class)))
        .containsExactly(OldStyle.class.getName() + " has a public constructor");
  }

  /** What the check rejects: how every SDK exception looked before. */
  public static class OldStyle extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OldStyle(String message) {
      super(message);
    }
  }

  @Test
  void errorsCarryWhatTheyAreGiven() {
    Throwable cause = new IllegalStateException("io");
    CallFailedException f = Errors.callFailed("c-1", "busy", 486, 2, true, Duration.ofSeconds(3),
        cause);
    assertThat(f).hasMessage("busy").hasCause(cause);
    assertThat(f.callId()).isEqualTo("c-1");
    assertThat(f.attempts()).isEqualTo(2);
    assertThat(f.status()).hasValue(486);
    assertThat(f.retryable()).isTrue();
    assertThat(f.retryAfter()).contains(Duration.ofSeconds(3));
    AuthenticationException a = Errors.authentication("no", "invalid_grant", null, false, 400,
        null);
    assertThat(a.error()).isEqualTo("invalid_grant");
    assertThat(a.status()).hasValue(400);
    assertThat(Errors.edgeRejected("full", 503, true, null, null).status()).hasValue(503);
    assertThat(Errors.closed("closing")).isInstanceOf(ClosedException.class);
    assertThat(Errors.protocol("bad frame")).isExactlyInstanceOf(ProtocolException.class);
    assertThat(Errors.patchbay("x").status()).isEmpty();
  }

  private static List<String> violations(List<Class<?>> exceptions) {
    List<String> out = new ArrayList<>();
    for (Class<?> c : exceptions) {
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        int m = k.getModifiers();
        if (Modifier.isPublic(m)) {
          out.add(c.getName() + " has a public constructor");
        } else if (Modifier.isProtected(m) && !SUBCLASSABLE.contains(c)) {
          out.add(c.getName() + " has a protected constructor but is not meant for subclassing");
        }
      }
    }
    return out.stream().distinct().toList();
  }
}
