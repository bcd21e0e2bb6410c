package dev.patchbay.internal.ua;

import dev.patchbay.AccessToken;
import dev.patchbay.AuthenticationException;
import dev.patchbay.internal.auth.TokenManager;
import dev.patchbay.internal.protocol.Frames;
import dev.patchbay.internal.retry.Retrier;
import dev.patchbay.internal.signaling.SignalingSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the open socket's token fresh: sends {@code reauth} ahead of expiry and whenever the
 * token manager refreshed the token. Actor-confined.
 */
final class Reauthenticator {
  /** Log lines keep the agent's logger name. */
  private static final Logger LOG = LoggerFactory.getLogger(RealUserAgent.class);

  private final AgentActor actor;
  private final TokenManager tokens;
  private final Clock clock;
  /** The current socket, or null while closing or disconnected. */
  private final Supplier<SignalingSocket> liveSocket;
  private Future<?> timer;
  private AccessToken token;

  Reauthenticator(AgentActor actor, TokenManager tokens, Clock clock,
      Supplier<SignalingSocket> liveSocket) {
    this.actor = actor;
    this.tokens = tokens;
    this.clock = clock;
    this.liveSocket = liveSocket;
  }

  /** From now on, a token the manager refreshed is sent in a {@code reauth}. */
  void listenToRefreshes() {
    tokens.addListener(new TokenManager.Listener() {
      @Override
      public void onTokenRefreshed(AccessToken t) {
        actor.execute(() -> reauth(t));
      }

      @Override
      public void onReauthenticationRequired(AuthenticationException cause) {
        LOG.warn("the user must authenticate again: {}", cause.getMessage());
      }
    });
  }

  /** The token the current socket was opened with. */
  void adopt(AccessToken t) {
    token = t;
  }

  /** The token the current (or last) socket carries: opened with, or sent in a reauth. */
  AccessToken token() {
    return token;
  }

  void cancel() {
    AgentActor.cancel(timer);
    timer = null;
  }

  /** Arms the timer that refreshes the token a little before it expires. */
  void schedule() {
    cancel();
    AccessToken t = token;
    if (t == null || t.expiresAt() == null) {
      return;
    }
    long remaining = Duration.between(clock.instant(), t.expiresAt()).toMillis();
    long lead = Math.max(500, Math.min(60_000, remaining / 5));
    timer = actor.scheduleExact(Duration.ofMillis(Math.max(0, remaining - lead)),
        this::refresh);
  }

  private void refresh() {
    timer = null;
    if (liveSocket.get() == null) {
      return;
    }
    tokens.token().whenCompleteAsync((t, e) -> {
      if (liveSocket.get() == null) {
        return;
      }
      if (e != null) {
        LOG.warn("token refresh for reauth failed: {}", Retrier.unwrap(e).getMessage());
        return;
      }
      if (!t.equals(token)) {
        reauth(t);
        return;
      }
      Instant exp = t.expiresAt();
      long remaining = exp == null ? 0 : Duration.between(clock.instant(), exp).toMillis();
      if (remaining > 0) {
        timer = actor.scheduleExact(Duration.ofMillis(Math.max(200, remaining / 2)),
            this::refresh);
      }
    }, actor);
  }

  /** Sends {@code reauth} with {@code fresh} unless the socket already carries it. */
  void reauth(AccessToken fresh) {
    SignalingSocket socket = liveSocket.get();
    if (socket == null || fresh.equals(token)) {
      return;
    }
    if (socket.send(new Frames.Reauth(fresh.value()))) {
      LOG.debug("sent reauth with the refreshed token");
      token = fresh;
      schedule();
    }
  }
}
