package dev.patchbay.internal.auth;

import dev.patchbay.RetryPolicy;
import dev.patchbay.internal.gate.Redactor;
import dev.patchbay.internal.retry.Retrier;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Settings of one {@link RealTokenManager}. Immutable; {@link #defaults()} or {@link #builder()}.
 *
 * <p>Defaults and why:
 * <ul>
 *   <li>{@link #DEFAULT_REFRESH_MARGIN} 60 s: a token is refreshed (in the background, and by
 *       {@code token()}) once less than this is left, capped at half the token's lifetime so a
 *       short-lived token is not refreshed on every call. 60 s covers a WebSocket handshake
 *       (the edge drops them after 3 s), a few backed-off 429/503 retries of the refresh itself,
 *       and GC/suspend pauses, while costing under 2% of a typical 1-hour token.
 *   <li>{@link #DEFAULT_REQUEST_TIMEOUT} 10 s per HTTP attempt (connect + send + read).
 *   <li>token requests retry with {@link RetryPolicy#defaults()} (6 attempts, 60 s deadline);
 *       revocation at close with {@link #DEFAULT_REVOKE_POLICY} (8 attempts within 10 s): close
 *       must not hang for a minute on a sick server, and an outage of a second or two (an edge
 *       restart) must not use up the attempts: 4 did (a token stayed live after close).
 * </ul>
 */
public final class TokenConfig {
  public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final RetryPolicy DEFAULT_REVOKE_POLICY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(250))
      .maxDelay(Duration.ofSeconds(2))
      .maxAttempts(8)
      .deadline(Duration.ofSeconds(10))
      .build();

  private final Duration refreshMargin;
  private final Duration requestTimeout;
  private final Clock clock;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy revokePolicy;
  private final RandomGenerator random;
  private final TokenManager.Listener listener;
  private final Retrier.Listener retryListener;
  private final boolean proactiveRefresh;
  private final boolean revokeOnClose;
  private final Redactor redactor;
  private final boolean allowPlaintext;

  private TokenConfig(Builder b) {
    this.refreshMargin = b.refreshMargin;
    this.requestTimeout = b.requestTimeout;
    this.clock = b.clock;
    this.retryPolicy = b.retryPolicy;
    this.revokePolicy = b.revokePolicy;
    this.random = b.random;
    this.listener = b.listener;
    this.retryListener = b.retryListener;
    this.proactiveRefresh = b.proactiveRefresh;
    this.revokeOnClose = b.revokeOnClose;
    this.redactor = b.redactor != null ? b.redactor : new Redactor();
    this.allowPlaintext = b.allowPlaintext;
  }

  /** The defaults, with a redactor of its own. */
  public static TokenConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Refresh once less than this is left (capped at half the token lifetime). */
  public Duration refreshMargin() {
    return refreshMargin;
  }

  /** Deadline of one HTTP attempt. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Local clock: expiry = time the request was sent + {@code expires_in}. */
  public Clock clock() {
    return clock;
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  public RetryPolicy revokePolicy() {
    return revokePolicy;
  }

  /** Jitter source of the backoff (seed it in tests). */
  public RandomGenerator random() {
    return random;
  }

  /** Registered first on every manager made with this config; may be null. */
  public TokenManager.Listener listener() {
    return listener;
  }

  public Retrier.Listener retryListener() {
    return retryListener;
  }

  /** Whether a timer refreshes the token at its refresh time without waiting for a caller. */
  public boolean proactiveRefresh() {
    return proactiveRefresh;
  }

  /**
   * Whether close revokes the tokens (default true). An app that keeps its refresh token across
   * restarts turns this off, or every restart needs a new login.
   */
  public boolean revokeOnClose() {
    return revokeOnClose;
  }

  /**
   * Where the managers made with this config register the secrets they hold (client secret,
   * tokens, codes, verifiers) and which masks them in what the token endpoint answers. One per
   * {@code Patchbay}; by default one per config.
   */
  public Redactor redactor() {
    return redactor;
  }

  /** Whether a plaintext ({@code http://}) token endpoint on a non-loopback host is allowed. */
  public boolean allowPlaintext() {
    return allowPlaintext;
  }

  @Override
  public String toString() {
    return "TokenConfig{refreshMargin=" + refreshMargin + ", requestTimeout=" + requestTimeout
        + ", clock=" + clock + ", retryPolicy=" + retryPolicy + ", revokePolicy=" + revokePolicy
        + ", proactiveRefresh=" + proactiveRefresh + ", revokeOnClose=" + revokeOnClose + '}';
  }

  /** Validating builder. */
  public static final class Builder {
    private Duration refreshMargin = DEFAULT_REFRESH_MARGIN;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Clock clock = Clock.systemUTC();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private RetryPolicy revokePolicy = DEFAULT_REVOKE_POLICY;
    private RandomGenerator random = new Random();
    private TokenManager.Listener listener;
    private Retrier.Listener retryListener = Retrier.Listener.NONE;
    private boolean proactiveRefresh = true;
    private boolean revokeOnClose = true;
    private Redactor redactor;
    private boolean allowPlaintext;

    private Builder() {}

    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor must not be null");
      return this;
    }

    /** Allows {@code http://} token endpoints on non-loopback hosts (see TransportPolicy). */
    public Builder allowPlaintext(boolean allowPlaintext) {
      this.allowPlaintext = allowPlaintext;
      return this;
    }

    public Builder refreshMargin(Duration refreshMargin) {
      Objects.requireNonNull(refreshMargin, "refreshMargin must not be null");
      if (refreshMargin.isNegative()) {
        throw new IllegalArgumentException("refreshMargin must be >= 0, but was " + refreshMargin);
      }
      this.refreshMargin = refreshMargin;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = dev.patchbay.internal.Checks.positive("requestTimeout", requestTimeout);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
      return this;
    }

    public Builder revokePolicy(RetryPolicy revokePolicy) {
      this.revokePolicy = Objects.requireNonNull(revokePolicy, "revokePolicy must not be null");
      return this;
    }

    /** Must be safe for use from several threads (for example {@link Random}). */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random must not be null");
      return this;
    }

    public Builder listener(TokenManager.Listener listener) {
      this.listener = listener;
      return this;
    }

    public Builder retryListener(Retrier.Listener retryListener) {
      this.retryListener = Objects.requireNonNull(retryListener, "retryListener must not be null");
      return this;
    }

    public Builder proactiveRefresh(boolean proactiveRefresh) {
      this.proactiveRefresh = proactiveRefresh;
      return this;
    }

    public Builder revokeOnClose(boolean revokeOnClose) {
      this.revokeOnClose = revokeOnClose;
      return this;
    }

    public TokenConfig build() {
      return new TokenConfig(this);
    }
  }
}
