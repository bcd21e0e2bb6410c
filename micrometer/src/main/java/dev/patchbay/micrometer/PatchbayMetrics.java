package dev.patchbay.micrometer;

import dev.patchbay.PatchbayEventListener;
import dev.patchbay.UserAgent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;

/**
 * Records Patchbay's events as Micrometer meters. It is an event listener factory: give it to
 * {@link dev.patchbay.Patchbay.Builder#eventListenerFactory}, and every user agent gets a
 * listener that records into the registry.
 *
 * <pre>{@code
 * // registry: the app's MeterRegistry (Prometheus, OTLP, ...)
 * Patchbay patchbay = Patchbay.builder()
 *     .eventListenerFactory(PatchbayMetrics.builder(registry).build())
 *     .build();
 * new PatchbayDiagnosticsMetrics(patchbay).bindTo(registry);
 * }</pre>
 *
 * <p>Timers:
 * <ul>
 *   <li>{@value #CONNECT}: a connect or reconnect, from its start to {@code hello} or to its
 *       failure, retries and backoff included; tags {@code reconnect} (true/false) and
 *       {@code outcome} (success/failure).
 *   <li>{@value #CONNECT_PHASE}: one phase of a connect attempt; tags {@code phase}
 *       ({@code token}: the token is at hand, {@code upgrade}: the WebSocket upgrade,
 *       {@code hello}: the edge's {@code hello}, {@code backoff}: the wait before a retry) and
 *       {@code outcome} (success, or failure for the phase an attempt failed in).
 *   <li>{@value #TOKEN_REQUEST}: a token request of an agent's token manager, its retries
 *       included; tags {@code refresh} (true/false) and {@code outcome}.
 *   <li>{@value #CALL_SETUP}: a call from its start (dial, or the incoming offer) to connected
 *       media; tag {@code direction} (outbound/inbound).
 *   <li>{@value #CALL_HANGUP}: from the start of a hang-up (by the app, or by closing the
 *       agent) to the release of the call; tags {@code direction} and {@code reason} (the end
 *       reason, usually {@code local_hangup} or {@code closed}).
 *   <li>{@value #ADMISSION_WAIT}: how long a local admission limiter made an operation wait
 *       (the tenant's sockets and negotiations, the instance's upgrades); tag {@code kind}
 *       (socket/negotiation/upgrade). Operations that did not wait are
 *       not recorded.
 * </ul>
 *
 * <p>Counters:
 * <ul>
 *   <li>{@value #RETRIES}: retries the SDK scheduled; tags {@code kind} (connect, reconnect,
 *       token, revoke, invite) and {@code status} (the refusal's status, {@code 0} for a network
 *       failure).
 *   <li>{@value #REFUSALS}: answers with an error status (429, 503, 486, 401, ...), retried or
 *       final; tags {@code kind} and {@code status}. A failed token request that fails a connect
 *       counts once, as {@code token}.
 *   <li>{@value #CALLS_ENDED}: calls that ended; tags {@code direction} and {@code reason}.
 *   <li>{@value #CALLS_RESUMED}: calls after a reconnect's {@code resume}; tag {@code outcome}
 *       ({@code resumed}: the edge kept the call, {@code lost}: it did not).
 * </ul>
 *
 * <p>Tag values are lower case. No user, call or connection id is ever a tag; the tenant becomes
 * a {@code tenant} tag on every meter only with {@link Builder#tenantTag(boolean)}. Use the
 * registry's own configuration (common tags, meter filters, histograms and percentiles) for the
 * rest. Immutable and thread-safe; one instance may serve several {@link dev.patchbay.Patchbay}
 * instances.
 */
public final class PatchbayMetrics implements PatchbayEventListener.Factory {
  /** Timer: connect (or reconnect) to {@code hello} or failure. */
  public static final String CONNECT = "patchbay.connect";
  /** Timer: one phase of a connect attempt (token, upgrade, hello, backoff). */
  public static final String CONNECT_PHASE = "patchbay.connect.phase";
  /** Timer: a token request of an agent's token manager, retries included. */
  public static final String TOKEN_REQUEST = "patchbay.token.request";
  /** Timer: call start (dial or offer) to connected media. */
  public static final String CALL_SETUP = "patchbay.call.setup";
  /** Timer: hang-up start to released. */
  public static final String CALL_HANGUP = "patchbay.call.hangup";
  /** Timer: a wait in a local admission limiter (tenant or instance). */
  public static final String ADMISSION_WAIT = "patchbay.admission.wait";
  /** Counter: retries by kind and status. */
  public static final String RETRIES = "patchbay.retries";
  /** Counter: error answers (refusals) by kind and status. */
  public static final String REFUSALS = "patchbay.refusals";
  /** Counter: ended calls by direction and end reason. */
  public static final String CALLS_ENDED = "patchbay.calls.ended";
  /** Counter: calls resumed or lost after a reconnect. */
  public static final String CALLS_RESUMED = "patchbay.calls.resumed";

  private final MeterRegistry registry;
  private final boolean tenantTag;
  private final Tags tags;

  private PatchbayMetrics(Builder b) {
    this.registry = b.registry;
    this.tenantTag = b.tenantTag;
    this.tags = b.tags;
  }

  /**
   * Metrics into {@code registry} with the defaults (no tenant tag, no extra tags).
   *
   * @param registry where the meters go
   * @return the factory
   */
  public static PatchbayMetrics of(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * A builder of metrics into {@code registry}.
   *
   * @param registry where the meters go
   * @return a new builder
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry must not be null"));
  }

  /**
   * The listener that records {@code userAgent}'s events.
   *
   * @param userAgent the new agent
   * @return its listener
   */
  @Override
  public PatchbayEventListener create(UserAgent userAgent) {
    Tags base = tags;
    if (tenantTag) {
      base = base.and("tenant", userAgent.tenant());
    }
    return new AgentMetrics(registry, base);
  }

  /**
   * Whether meters carry a {@code tenant} tag.
   *
   * @return true when they do
   */
  public boolean tenantTag() {
    return tenantTag;
  }

  /** Builds {@link PatchbayMetrics}; not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private boolean tenantTag;
    private Tags tags = Tags.empty();

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * Adds a {@code tenant} tag (the agent's tenant) to every meter. Off by default: turn it on
     * only when the number of tenants one process serves is small.
     *
     * @param on true to tag by tenant
     * @return this builder
     */
    public Builder tenantTag(boolean on) {
      this.tenantTag = on;
      return this;
    }

    /**
     * Extra tags on every meter of this factory (for example which Patchbay instance it is);
     * they must have low cardinality. Later calls add to earlier ones.
     *
     * @param extra the tags
     * @return this builder
     * @throws IllegalArgumentException if a tag uses a key the meters set themselves
     */
    public Builder tags(Iterable<Tag> extra) {
      Objects.requireNonNull(extra, "tags must not be null");
      for (Tag t : extra) {
        if (AgentMetrics.OWN_KEYS.contains(t.getKey())) {
          throw new IllegalArgumentException("tag key '" + t.getKey()
              + "' is set by the meters themselves (or by tenantTag)");
        }
      }
      this.tags = tags.and(extra);
      return this;
    }

    /**
     * The factory.
     *
     * @return a new immutable {@link PatchbayMetrics}
     */
    public PatchbayMetrics build() {
      return new PatchbayMetrics(this);
    }
  }
}
