package dev.patchbay.internal.ua;

import dev.patchbay.EndReason;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgentOptions;
import dev.patchbay.internal.Errors;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.call.RealCall;
import dev.patchbay.internal.retry.Retrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release order of a closing user agent, each step bounded: end the calls, close the
 * sockets (the last frame a {@code logout} that has the edge revoke the tokens, when it offers
 * one), revoke what is left, then report it finished. Without a logout, when the whole SDK shuts
 * down, the tokens are revoked while the sockets close (the two wait on different resources:
 * the transport's selector and the OAuth client). Runs on the actor.
 */
final class AgentCloser {
  private static final Logger LOG = LoggerFactory.getLogger(AgentCloser.class);

  private final AgentActor actor;
  private final UserAgentOptions options;
  private final TokenManager tokens;
  private final CallRegistry calls;
  private final SignalingConnection connections;
  private final Runnable finished;
  private final BooleanSupplier sdkShuttingDown;

  AgentCloser(AgentActor actor, UserAgentOptions options, TokenManager tokens, CallRegistry calls,
      SignalingConnection connections, BooleanSupplier sdkShuttingDown, Runnable finished) {
    this.actor = actor;
    this.options = options;
    this.tokens = tokens;
    this.calls = calls;
    this.connections = connections;
    this.finished = finished;
    this.sdkShuttingDown = sdkShuttingDown;
  }

  /**
   * Hangs the calls up when the app closes a connected agent, otherwise ends them at once with
   * {@code cause}; calls still alive after the hang-up bound are terminated.
   */
  void close(PatchbayException cause) {
    List<CompletableFuture<Void>> released = new ArrayList<>();
    for (RealCall call : calls.snapshot()) {
      if (cause == null) { // also while away: the bye goes out on the next socket
        call.hangUp();
      } else {
        call.terminate(EndReason.CONNECTION_LOST, cause != null ? cause
            : Errors.closed("user agent closed"));
      }
      released.add(call.releasedInternal());
    }
    if (released.isEmpty()) { // an idle agent: no timer, no hop (a late socket event would
      closeSocketsAndRevoke(); // otherwise start a reconnect before the sockets are stopped)
      return;
    }
    CompletableFuture<Void> allReleased =
        CompletableFuture.allOf(released.toArray(CompletableFuture[]::new));
    Duration callBound = options.hangupTimeout().plusSeconds(1);
    Future<?> force = actor.schedule(callBound, () -> {
      for (RealCall call : calls.snapshot()) {
        call.terminate(EndReason.CLOSED, Errors.closed("user agent closed"));
      }
    });
    allReleased.whenCompleteAsync((v, e) -> {
      force.cancel(false);
      closeSocketsAndRevoke();
    }, actor);
  }

  private void closeSocketsAndRevoke() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    boolean loggedOut = connections.closeAll(() -> closed.complete(null));
    CompletableFuture<Void> revoked;
    if (sdkShuttingDown.getAsBoolean() && !loggedOut) { // the close frame first: the edge
      revoked = CompletableFuture.allOf(closed, revoke()); // answers while the revocation goes
    } else { // after the close: the logout's confirmation leaves the token manager the rest
      revoked = closed.thenCompose(x -> revoke());
    }
    revoked.whenCompleteAsync((x, y) -> finished.run(), actor);
  }

  /** Revokes the token; completes (never exceptionally) when done or after the close timeout. */
  private CompletableFuture<Void> revoke() {
    CompletableFuture<Void> revoke;
    try {
      revoke = tokens.closeAsync();
    } catch (RuntimeException e) {
      revoke = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    // While the SDK shuts down, thousands of revocations queue for the OAuth client's few
    // connections: a bound per agent would run out while its request waits in the queue, and
    // leave the token live. Patchbay.close() bounds them all at once instead.
    Future<?> force = sdkShuttingDown.getAsBoolean() ? null
        : actor.schedule(options.closeTimeout(), () -> {
          if (done.complete(null)) {
            LOG.info("token revocation did not finish within {}", options.closeTimeout());
          }
        });
    revoke.whenComplete((v, e) -> {
      if (e != null) {
        LOG.warn("token revocation failed: {}", Retrier.unwrap(e).getMessage());
      }
      if (force != null) {
        force.cancel(false);
      }
      done.complete(null);
    });
    return done;
  }
}
