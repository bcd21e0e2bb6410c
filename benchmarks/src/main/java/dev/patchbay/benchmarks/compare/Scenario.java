package dev.patchbay.benchmarks.compare;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What a load run does, independent of the client under test: how many agents, spread over how
 * many tenants, starting within which window, placing how many calls of which hold time, to whom.
 * Agent {@code i} is user {@code agent-i} (secret {@code agent-i-secret}) of tenant
 * {@code tenant-(i mod tenants)}. Start offsets and hold times are drawn from {@link #seed()}, so
 * two clients driven by the same scenario see the same arrivals.
 *
 * @param agents user agents to run (each with its own user and credentials)
 * @param tenants tenants the agents are spread over, round robin
 * @param window agents start at seeded random offsets within this window
 * @param callsPerAgent calls each agent places one after the other
 * @param meanHold mean call hold time; each hold is exponential with this mean, capped at 4x
 * @param callee who the agents call (a built-in party of the fake edge, e.g. {@code auto-answer})
 * @param seed seed of start offsets and hold times (and of the embedded edge's faults)
 */
public record Scenario(int agents, int tenants, Duration window, int callsPerAgent,
    Duration meanHold, String callee, long seed) {

  public Scenario {
    if (agents < 1) {
      throw new IllegalArgumentException("agents must be >= 1, but was " + agents);
    }
    if (tenants < 1 || tenants > agents) {
      throw new IllegalArgumentException("tenants must be 1.." + agents + ", but was " + tenants);
    }
    Objects.requireNonNull(window, "window must not be null");
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must be >= 0, but was " + window);
    }
    if (callsPerAgent < 0) {
      throw new IllegalArgumentException("callsPerAgent must be >= 0, but was " + callsPerAgent);
    }
    Objects.requireNonNull(meanHold, "meanHold must not be null");
    if (meanHold.isNegative()) {
      throw new IllegalArgumentException("meanHold must be >= 0, but was " + meanHold);
    }
    Objects.requireNonNull(callee, "callee must not be null");
  }

  public String user(int agent) {
    return "agent-" + agent;
  }

  public String secret(int agent) {
    return user(agent) + "-secret";
  }

  public String tenant(int agent) {
    return tenantName(agent % tenants);
  }

  public static String tenantName(int index) {
    return "tenant-" + index;
  }

  /** Start offset of every agent, in ms from the start of the run (seeded, uniform). */
  public long[] startOffsetsMs() {
    SplittableRandom r = new SplittableRandom(seed);
    long[] offsets = new long[agents];
    long w = window.toMillis();
    for (int i = 0; i < agents; i++) {
      offsets[i] = w == 0 ? 0 : r.nextLong(w + 1);
    }
    return offsets;
  }

  /** Hold time of each call of each agent, in ms: {@code [agent][call]} (seeded, exponential). */
  public long[][] holdsMs() {
    SplittableRandom r = new SplittableRandom(seed * 31 + 7);
    long mean = meanHold.toMillis();
    long[][] holds = new long[agents][callsPerAgent];
    for (int i = 0; i < agents; i++) {
      for (int k = 0; k < callsPerAgent; k++) {
        double u = r.nextDouble();
        long h = (long) (-Math.log(1 - u) * mean);
        holds[i][k] = Math.min(h, 4 * mean);
      }
    }
    return holds;
  }
}
