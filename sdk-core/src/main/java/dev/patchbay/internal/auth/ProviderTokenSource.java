package dev.patchbay.internal.auth;

import dev.patchbay.AccessToken;
import dev.patchbay.PatchbayException;
import dev.patchbay.TokenProvider;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.internal.retry.Retrier;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Tokens from an app's {@link TokenProvider}; the app owns them, so nothing is revoked. */
final class ProviderTokenSource implements TokenSource {
  private final TokenProvider provider;
  private final Clock clock;
  private final Redactor.Holder secrets;

  ProviderTokenSource(TokenProvider provider, Clock clock, Redactor.Holder secrets) {
    this.provider = provider;
    this.clock = clock;
    this.secrets = secrets;
  }

  @Override
  public CompletableFuture<Issued> fetch(AccessToken rejected) {
    CompletableFuture<Issued> result = new CompletableFuture<>();
    CompletionStage<AccessToken> stage;
    try {
      stage = rejected == null ? provider.token() : provider.refresh(rejected);
    } catch (RuntimeException e) {
      result.completeExceptionally(wrap(e));
      return result;
    }
    if (stage == null) {
      result.completeExceptionally(Errors.authentication("the token provider "
          + provider.getClass().getName() + " returned a null stage"));
      return result;
    }
    stage.whenComplete((token, error) -> {
      if (error != null) {
        result.completeExceptionally(wrap(error));
      } else if (token == null) {
        result.completeExceptionally(Errors.authentication("the token provider "
            + provider.getClass().getName() + " returned no token"));
      } else {
        secrets.hold("access", token.value());
        result.complete(new Issued(token, clock.instant()));
      }
    });
    return result;
  }

  private PatchbayException wrap(Throwable error) {
    Throwable cause = Retrier.unwrap(error);
    if (cause instanceof PatchbayException pe) {
      return pe;
    }
    return Errors.authentication("the token provider " + provider.getClass().getName()
        + " failed: " + cause.getClass().getName(), null, cause, false, 0, null);
  }

  @Override
  public void clear() {}

  @Override
  public CompletableFuture<Void> revoke(List<AccessToken> live) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void cancel() {}

  @Override
  public void release() {
    secrets.close();
  }
}
