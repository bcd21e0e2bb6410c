package dev.patchbay.internal.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link TenantAdmission} per tenant, created on first use with the configured caps, and the
 * process-wide (per Patchbay) limit on WebSocket upgrades in flight.
 */
public final class AdmissionControl {
  /** Caps of one tenant; {@link Integer#MAX_VALUE} means "no local cap". */
  public record Limits(int maxSockets, int maxNegotiations) {
    public static final Limits UNLIMITED = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public Limits {
      if (maxSockets < 1) {
        throw new IllegalArgumentException("maxSockets must be >= 1, but was " + maxSockets);
      }
      if (maxNegotiations < 1) {
        throw new IllegalArgumentException(
            "maxNegotiations must be >= 1, but was " + maxNegotiations);
      }
    }
  }

  private final Map<String, Limits> configured;
  private final Limits defaults;
  private final Map<String, TenantAdmission> tenants = new ConcurrentHashMap<>();
  private final AsyncLimiter upgrades;

  /**
   * @param maxUpgrades how many WebSocket upgrades of this process may be in flight at once (all
   *     tenants): handshakes beyond what the HTTP client's selector serves within the upgrade
   *     deadline only time out and are retried, so they wait here instead
   */
  public AdmissionControl(Map<String, Limits> configured, Limits defaults, int maxUpgrades) {
    this.configured = Map.copyOf(configured);
    this.defaults = defaults;
    this.upgrades = new AsyncLimiter("WebSocket upgrades in flight", maxUpgrades);
  }

  /** Upgrade slots: held from the upgrade request until its answer (or its end). */
  public AsyncLimiter upgrades() {
    return upgrades;
  }

  public TenantAdmission tenant(String tenant) {
    return tenants.computeIfAbsent(tenant, t -> {
      Limits l = configured.getOrDefault(t, defaults);
      return new TenantAdmission(t, l.maxSockets(), l.maxNegotiations());
    });
  }

  public void close() {
    tenants.values().forEach(TenantAdmission::close);
    upgrades.close();
  }
}
