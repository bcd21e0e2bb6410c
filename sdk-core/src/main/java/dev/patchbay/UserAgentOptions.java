package dev.patchbay;

import static dev.patchbay.internal.Checks.positive;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-user settings of a {@link UserAgent}: the tenant (admission is per tenant, so it must be
 * known before connecting), the optional user id, retry budgets and the deadline of every phase.
 * Immutable; build with {@link #builder(String)}.
 */
public final class UserAgentOptions {
  /** Default of {@link #upgradeTimeout()}: 10 s. */
  public static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofSeconds(10);
  /** Default of {@link #helloTimeout()}: 5 s. */
  public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(5);
  /** Default of {@link #inviteTimeout()}: 30 s. */
  public static final Duration DEFAULT_INVITE_TIMEOUT = Duration.ofSeconds(30);
  /** Default of {@link #ringTimeout()}: 60 s. */
  public static final Duration DEFAULT_RING_TIMEOUT = Duration.ofSeconds(60);
  /** Default of {@link #mediaTimeout()}: 15 s. */
  public static final Duration DEFAULT_MEDIA_TIMEOUT = Duration.ofSeconds(15);
  /** Default of {@link #hangupTimeout()}: 5 s. */
  public static final Duration DEFAULT_HANGUP_TIMEOUT = Duration.ofSeconds(5);
  /** Default of {@link #closeTimeout()}: 5 s. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Connect: 6 attempts within 60 s, 250 ms doubling to 30 s, full jitter. */
  public static final RetryPolicy DEFAULT_CONNECT_RETRY = RetryPolicy.defaults();
  /** Reconnect: 10 attempts within 2 min, 250 ms doubling to 10 s, full jitter. */
  public static final RetryPolicy DEFAULT_RECONNECT_RETRY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(250)).maxDelay(Duration.ofSeconds(10))
      .maxAttempts(10).deadline(Duration.ofMinutes(2)).build();
  /** Invite answered with 503/504: 3 attempts within 60 s, 500 ms doubling to 5 s. */
  public static final RetryPolicy DEFAULT_INVITE_RETRY = RetryPolicy.builder()
      .baseDelay(Duration.ofMillis(500)).maxDelay(Duration.ofSeconds(5))
      .maxAttempts(3).deadline(Duration.ofSeconds(60)).build();

  private final String tenant;
  private final String userId;
  private final IcePolicy icePolicy;
  private final RetryPolicy connectRetry;
  private final RetryPolicy reconnectRetry;
  private final RetryPolicy inviteRetry;
  private final Duration upgradeTimeout;
  private final Duration helloTimeout;
  private final Duration inviteTimeout;
  private final Duration ringTimeout;
  private final Duration mediaTimeout;
  private final Duration hangupTimeout;
  private final Duration closeTimeout;

  private UserAgentOptions(Builder b) {
    this.tenant = b.tenant;
    this.userId = b.userId;
    this.icePolicy = b.icePolicy;
    this.connectRetry = b.connectRetry;
    this.reconnectRetry = b.reconnectRetry;
    this.inviteRetry = b.inviteRetry;
    this.upgradeTimeout = b.upgradeTimeout;
    this.helloTimeout = b.helloTimeout;
    this.inviteTimeout = b.inviteTimeout;
    this.ringTimeout = b.ringTimeout;
    this.mediaTimeout = b.mediaTimeout;
    this.hangupTimeout = b.hangupTimeout;
    this.closeTimeout = b.closeTimeout;
  }

  /**
   * Options for a user of {@code tenant}, with defaults for everything else.
   *
   * @param tenant the user's tenant
   * @return the options
   */
  public static UserAgentOptions defaults(String tenant) {
    return builder(tenant).build();
  }

  /**
   * A builder for a user of {@code tenant}, with defaults for everything else.
   *
   * @param tenant the user's tenant
   * @return a new builder
   */
  public static Builder builder(String tenant) {
    return new Builder(tenant);
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(tenant);
    b.userId = userId;
    b.icePolicy = icePolicy;
    b.connectRetry = connectRetry;
    b.reconnectRetry = reconnectRetry;
    b.inviteRetry = inviteRetry;
    b.upgradeTimeout = upgradeTimeout;
    b.helloTimeout = helloTimeout;
    b.inviteTimeout = inviteTimeout;
    b.ringTimeout = ringTimeout;
    b.mediaTimeout = mediaTimeout;
    b.hangupTimeout = hangupTimeout;
    b.closeTimeout = closeTimeout;
    return b;
  }

  /**
   * The user's tenant (admission is per tenant).
   *
   * @return the tenant
   */
  public String tenant() {
    return tenant;
  }

  /**
   * The user id sent as {@code Patchbay-User}, or null to let the edge derive it from the token.
   *
   * @return the user id, or null
   */
  public String userId() {
    return userId;
  }

  /**
   * How the user's calls gather and use ICE candidates.
   *
   * @return the ICE policy
   */
  public IcePolicy icePolicy() {
    return icePolicy;
  }

  /**
   * Backoff and budget of the first connection (429/503 refusals, network errors).
   *
   * @return the connect retry policy
   */
  public RetryPolicy connectRetry() {
    return connectRetry;
  }

  /**
   * Backoff and budget of reconnects after a lost connection.
   *
   * @return the reconnect retry policy
   */
  public RetryPolicy reconnectRetry() {
    return reconnectRetry;
  }

  /**
   * Backoff and budget of an invite answered with 503/504 (same call id each time).
   *
   * @return the invite retry policy
   */
  public RetryPolicy inviteRetry() {
    return inviteRetry;
  }

  /**
   * Deadline of the WebSocket upgrade (TCP connect + HTTP upgrade).
   *
   * @return the upgrade deadline
   */
  public Duration upgradeTimeout() {
    return upgradeTimeout;
  }

  /**
   * Deadline of the edge's {@code hello} after the upgrade.
   *
   * @return the hello deadline
   */
  public Duration helloTimeout() {
    return helloTimeout;
  }

  /**
   * Deadline from sending an invite to the edge's first answer (ringing, answer or error).
   *
   * @return the invite deadline
   */
  public Duration inviteTimeout() {
    return inviteTimeout;
  }

  /**
   * Deadline of the ringing phase (outbound: until answered; inbound: until accepted).
   *
   * @return the ringing deadline
   */
  public Duration ringTimeout() {
    return ringTimeout;
  }

  /**
   * Deadline from offer/answer to connected media.
   *
   * @return the media deadline
   */
  public Duration mediaTimeout() {
    return mediaTimeout;
  }

  /**
   * Deadline from {@code bye} to the edge's {@code ended}; media is released either way.
   *
   * @return the hang-up deadline
   */
  public Duration hangupTimeout() {
    return hangupTimeout;
  }

  /**
   * Deadline of the WebSocket close handshake; the socket is cancelled after it.
   *
   * @return the close-handshake deadline
   */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  @Override
  public String toString() {
    return "UserAgentOptions{tenant=" + tenant + ", userId=" + userId + ", connectRetry="
        + connectRetry + ", reconnectRetry=" + reconnectRetry + ", inviteRetry=" + inviteRetry
        + '}';
  }

  /** Validating builder: every setter rejects a bad value with a message naming it. */
  public static final class Builder {
    private final String tenant;
    private String userId;
    private IcePolicy icePolicy = IcePolicy.defaults();
    private RetryPolicy connectRetry = DEFAULT_CONNECT_RETRY;
    private RetryPolicy reconnectRetry = DEFAULT_RECONNECT_RETRY;
    private RetryPolicy inviteRetry = DEFAULT_INVITE_RETRY;
    private Duration upgradeTimeout = DEFAULT_UPGRADE_TIMEOUT;
    private Duration helloTimeout = DEFAULT_HELLO_TIMEOUT;
    private Duration inviteTimeout = DEFAULT_INVITE_TIMEOUT;
    private Duration ringTimeout = DEFAULT_RING_TIMEOUT;
    private Duration mediaTimeout = DEFAULT_MEDIA_TIMEOUT;
    private Duration hangupTimeout = DEFAULT_HANGUP_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder(String tenant) {
      this.tenant = name("tenant", tenant);
    }

    /**
     * The user id sent as {@code Patchbay-User}; default none (the edge derives it from the token).
     *
     * @param userId the user id
     * @return this builder
     */
    public Builder userId(String userId) {
      this.userId = name("userId", userId);
      return this;
    }

    /**
     * How the user's calls gather and use ICE candidates; default {@link IcePolicy#defaults()}.
     *
     * @param policy the ICE policy
     * @return this builder
     */
    public Builder icePolicy(IcePolicy policy) {
      this.icePolicy = Objects.requireNonNull(policy, "icePolicy must not be null");
      return this;
    }

    /**
     * Backoff and budget of the first connection.
     *
     * @param policy the retry policy
     * @return this builder
     */
    public Builder connectRetry(RetryPolicy policy) {
      this.connectRetry = Objects.requireNonNull(policy, "connectRetry must not be null");
      return this;
    }

    /**
     * Backoff and budget of reconnects.
     *
     * @param policy the retry policy
     * @return this builder
     */
    public Builder reconnectRetry(RetryPolicy policy) {
      this.reconnectRetry = Objects.requireNonNull(policy, "reconnectRetry must not be null");
      return this;
    }

    /**
     * Backoff and budget of invites answered with 503/504.
     *
     * @param policy the retry policy
     * @return this builder
     */
    public Builder inviteRetry(RetryPolicy policy) {
      this.inviteRetry = Objects.requireNonNull(policy, "inviteRetry must not be null");
      return this;
    }

    /**
     * Deadline of the WebSocket upgrade.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder upgradeTimeout(Duration d) {
      this.upgradeTimeout = positive("upgradeTimeout", d);
      return this;
    }

    /**
     * Deadline of the edge's {@code hello}.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder helloTimeout(Duration d) {
      this.helloTimeout = positive("helloTimeout", d);
      return this;
    }

    /**
     * Deadline from an invite to the edge's first answer.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder inviteTimeout(Duration d) {
      this.inviteTimeout = positive("inviteTimeout", d);
      return this;
    }

    /**
     * Deadline of the ringing phase.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder ringTimeout(Duration d) {
      this.ringTimeout = positive("ringTimeout", d);
      return this;
    }

    /**
     * Deadline from offer/answer to connected media.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder mediaTimeout(Duration d) {
      this.mediaTimeout = positive("mediaTimeout", d);
      return this;
    }

    /**
     * Deadline from {@code bye} to the edge's {@code ended}.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder hangupTimeout(Duration d) {
      this.hangupTimeout = positive("hangupTimeout", d);
      return this;
    }

    /**
     * Deadline of the WebSocket close handshake.
     *
     * @param d a positive duration
     * @return this builder
     */
    public Builder closeTimeout(Duration d) {
      this.closeTimeout = positive("closeTimeout", d);
      return this;
    }

    /**
     * Creates the options.
     *
     * @return the options
     */
    public UserAgentOptions build() {
      return new UserAgentOptions(this);
    }

    private static String name(String what, String value) {
      Objects.requireNonNull(value, what + " must not be null");
      if (value.isBlank() || value.length() > 128 || !value.strip().equals(value)) {
        throw new IllegalArgumentException(what
            + " must be 1-128 characters without surrounding blanks, but was \"" + value + '"');
      }
      return value;
    }

  }
}
