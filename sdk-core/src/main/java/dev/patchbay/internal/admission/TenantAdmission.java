package dev.patchbay.internal.admission;

/**
 * Admission for one tenant: open sockets and concurrent media negotiations are kept below the
 * configured caps and, once an edge advertises smaller ones in {@code hello}, below those.
 */
public final class TenantAdmission {
  private final String tenant;
  private final AsyncLimiter sockets;
  private final AsyncLimiter negotiations;
  private final int configuredSockets;
  private final int configuredNegotiations;

  public TenantAdmission(String tenant, int maxSockets, int maxNegotiations) {
    this.tenant = tenant;
    this.configuredSockets = maxSockets;
    this.configuredNegotiations = maxNegotiations;
    this.sockets = new AsyncLimiter("sockets of tenant " + tenant, maxSockets);
    this.negotiations = new AsyncLimiter("negotiations of tenant " + tenant, maxNegotiations);
  }

  public String tenant() {
    return tenant;
  }

  public AsyncLimiter sockets() {
    return sockets;
  }

  public AsyncLimiter negotiations() {
    return negotiations;
  }

  /** Applies the caps the edge advertised (null = not advertised); keeps the smaller one. */
  public void advertised(Integer edgeSockets, Integer edgeNegotiations) {
    if (edgeSockets != null && edgeSockets > 0) {
      sockets.limit(Math.min(configuredSockets, edgeSockets));
    }
    if (edgeNegotiations != null && edgeNegotiations > 0) {
      negotiations.limit(Math.min(configuredNegotiations, edgeNegotiations));
    }
  }

  void close() {
    sockets.close();
    negotiations.close();
  }
}
