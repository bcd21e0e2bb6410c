package dev.patchbay.benchmarks.compare;

import dev.patchbay.testkit.FakeEdge;
import dev.patchbay.testkit.Profile;
import java.time.Duration;

/**
 * The embedded fake edge of a load run: the FIELD profile (per-tenant socket cap, token and
 * upgrade rate limits with Retry-After, media-allocation capacity with a queue and 504 after the
 * negotiation timeout, slow handshakes), with the capacities scaled to the run so the field
 * failure modes show on a laptop while the run still completes.
 *
 * @param socketCap live sockets per tenant (503 above it)
 * @param mediaCapacity concurrent negotiating or active calls per tenant
 * @param mediaQueue invites allowed to wait for a media slot (503 when full)
 * @param negotiationTimeout wait for a media slot before error 504
 * @param tokensPerSecond token endpoint rate per tenant (429 above it)
 * @param upgradesPerSecond upgrade rate per tenant (429 above it)
 * @param burst burst of both rate limits
 */
public record FieldEdge(int socketCap, int mediaCapacity, int mediaQueue,
    Duration negotiationTimeout, double tokensPerSecond, double upgradesPerSecond, int burst) {

  /** Capacities for {@code scenario}: sized so saturation, 429s and 504s happen on the default run. */
  public static FieldEdge forScenario(Scenario s) {
    int perTenant = (s.agents() + s.tenants() - 1) / s.tenants();
    return new FieldEdge(
        Math.max(4, perTenant * 2 / 5),        // well below the agents of a tenant
        Math.max(2, perTenant / 12),           // calls queue for media at the peak of the window
        Math.max(4, perTenant * 2 / 5),
        Duration.ofSeconds(15),                // the field's 504 after ~15 s
        8.0, 10.0, 16);
  }

  /** Starts the edge with one user per agent of {@code s}. */
  public FakeEdge start(Scenario s) {
    FakeEdge.Builder b = FakeEdge.builder().profile(Profile.FIELD).seed(s.seed())
        .maxThreads(64).leakGrace(Duration.ofSeconds(5));
    for (int t = 0; t < s.tenants(); t++) {
      b.tenant(Scenario.tenantName(t), spec -> spec.socketCap(socketCap)
          .mediaCapacity(mediaCapacity).mediaQueueLimit(mediaQueue)
          .negotiationTimeout(negotiationTimeout)
          .tokenRateLimit(tokensPerSecond, burst).upgradeRateLimit(upgradesPerSecond, burst)
          .retryAfter(Duration.ofSeconds(2)));
    }
    for (int i = 0; i < s.agents(); i++) {
      b.user(s.tenant(i), s.user(i), s.secret(i));
    }
    FakeEdge edge = b.start();
    edge.frameLog(false);
    return edge;
  }

  @Override
  public String toString() {
    return "per tenant: " + socketCap + " sockets, " + mediaCapacity + " media slots (queue "
        + mediaQueue + ", 504 after " + negotiationTimeout.toSeconds() + " s), "
        + fmt(tokensPerSecond) + " token req/s, " + fmt(upgradesPerSecond)
        + " upgrades/s (burst " + burst + "), handshakes delayed 50-500 ms";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
