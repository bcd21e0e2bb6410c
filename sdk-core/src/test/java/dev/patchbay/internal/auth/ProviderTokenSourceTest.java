package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.Credentials;
import dev.patchbay.TokenProvider;
import dev.patchbay.internal.Errors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** App-supplied tokens get the same caching, margin and typed errors, and are not revoked. */
class ProviderTokenSourceTest {
  private final TokenFixture f;
  private final AtomicInteger calls = new AtomicInteger();

  ProviderTokenSourceTest() throws Exception {
    f = new TokenFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private RealTokenManager manager(Supplier<CompletionStage<AccessToken>> supplier) {
    TokenProvider p = () -> {
      calls.incrementAndGet();
      return supplier.get();
    };
    return f.manager(Credentials.provider(p));
  }

  private AccessToken tokenFor(int lifetimeSeconds) {
    return new AccessToken("provided-token-" + calls.get(),
        f.clock.instant().plusSeconds(lifetimeSeconds), null);
  }

  @Test
  void cachesUntilTheMarginThenAsksAgain() throws Exception {
    RealTokenManager m = manager(() -> CompletableFuture.completedFuture(tokenFor(600)));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("provided-token-1");
    f.clock.advance(Duration.ofSeconds(539));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("provided-token-1");
    f.clock.advance(Duration.ofSeconds(2));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("provided-token-2");
    m.closeAsync().get(5, TimeUnit.SECONDS);
    assertThat(f.server.requests).as("nothing revoked or requested").isEmpty();
  }

  @Test
  void aForeignFailureBecomesAnAuthenticationExceptionWithTheCause() {
    RealTokenManager m = manager(() -> CompletableFuture.failedFuture(
        new java.io.UncheckedIOException(new java.io.IOException("idp down"))));
    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("UncheckedIOException")
        .hasRootCauseMessage("idp down");
  }

  @Test
  void aPatchbayExceptionPassesThroughAndIsRetriedWhenRetryable() throws Exception {
    RealTokenManager m = manager(() -> calls.get() == 1
        ? CompletableFuture.failedFuture(Errors.edgeRejected("busy", 503, true, null, null))
        : CompletableFuture.completedFuture(tokenFor(600)));
    assertThat(m.token().get(5, TimeUnit.SECONDS).value()).isEqualTo("provided-token-2");
  }

  @Test
  void aThrowingProviderIsAFailureNotACrash() {
    RealTokenManager m = manager(() -> {
      throw new IllegalStateException("bug in app");
    });
    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("IllegalStateException");
  }

  @Test
  void nullAnswersAreRejected() {
    RealTokenManager nullStage = manager(() -> null);
    assertThatThrownBy(() -> nullStage.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("null stage");
    RealTokenManager nullToken = manager(() -> CompletableFuture.completedFuture(null));
    assertThatThrownBy(() -> nullToken.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("no token");
  }

  @Test
  void aBlockingProviderRunsOnTheAppsExecutorAndItsCheckedExceptionsAreTyped() throws Exception {
    java.util.concurrent.ExecutorService app = java.util.concurrent.Executors
        .newSingleThreadExecutor(r -> new Thread(r, "app-token-thread"));
    try {
      AtomicInteger n = new AtomicInteger();
      java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
      RealTokenManager m = f.manager(Credentials.provider(TokenProvider.fromBlocking(() -> {
        threads.add(Thread.currentThread().getName());
        if (n.incrementAndGet() == 2) {
          throw new java.io.IOException("idp unreachable");
        }
        return new AccessToken("blocking-token-" + n.get(), f.clock.instant().plusSeconds(600),
            null);
      }, app)));
      AccessToken first = m.token().get(5, TimeUnit.SECONDS);
      assertThat(first.value()).isEqualTo("blocking-token-1");
      assertThatThrownBy(() -> m.invalidate(first).get(5, TimeUnit.SECONDS)).cause()
          .isInstanceOf(AuthenticationException.class).hasMessageContaining("IOException");
      assertThat(threads).containsOnly("app-token-thread");
    } finally {
      app.shutdownNow();
    }
  }

  @Test
  void anAlreadyExpiredTokenIsNeverHandedOut() {
    RealTokenManager m = manager(() -> CompletableFuture.completedFuture(tokenFor(-1)));
    assertThatThrownBy(() -> m.token().get(5, TimeUnit.SECONDS)).cause()
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("already expired");
  }
}
