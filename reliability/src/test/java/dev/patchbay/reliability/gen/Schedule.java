package dev.patchbay.reliability.gen;

import dev.patchbay.reliability.gen.Step.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A seeded schedule of operations and combined faults over a few agents in two or three
 * tenants, a few seconds long. The same seed always generates the same steps; {@link #keep}
 * gives a sub-schedule (for shrinking), named by the kept step ids.
 *
 * <p>Beside uniformly placed faults, the generator aims some at the windows where they hurt:
 * right after a dial (negotiation, an invite's backoff after a 504), a dial, hang-up or close
 * right after a drop (while RECONNECTING), a second drop within the token's lifetime.
 */
final class Schedule {
  static final String[] BUILT_INS = {"auto-answer", "slow-answer", "no-answer", "busy"};

  final long seed;
  /** user → tenant, in order. */
  final Map<String, String> agents;
  final List<Step> steps;
  final long lengthMs;

  private Schedule(long seed, Map<String, String> agents, List<Step> steps, long lengthMs) {
    this.seed = seed;
    this.agents = agents;
    this.steps = steps;
    this.lengthMs = lengthMs;
  }

  /** The schedule of {@code seed}. */
  static Schedule generate(long seed) {
    Random r = new Random(seed);
    int tenants = 2 + r.nextInt(2);
    int n = 4 + r.nextInt(9); // 4..12 agents
    Map<String, String> agents = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      agents.put("u" + i, "t" + (i < tenants ? i : r.nextInt(tenants)));
    }
    List<String> users = List.copyOf(agents.keySet());
    long length = 2000 + r.nextInt(1500);
    List<Step> steps = new ArrayList<>();
    Gen g = new Gen(steps);
    // tenant settings at start: a squeezed media capacity (504 storms), a socket cap of 1
    for (int t = 0; t < tenants; t++) {
      if (r.nextInt(3) == 0) {
        g.add(0, Kind.SQUEEZE_MEDIA, null, "t" + t, 0);
      }
      if (r.nextInt(10) == 0) {
        g.add(0, Kind.SOCKET_CAP_1, null, "t" + t, 0);
      }
    }
    for (String u : users) {
      g.add(r.nextInt(300), Kind.CONNECT, u, null, 0);
    }
    // operations
    int ops = n * (2 + r.nextInt(3));
    for (int i = 0; i < ops; i++) {
      String u = users.get(r.nextInt(n));
      long at = 300 + r.nextInt((int) length - 300);
      int dice = r.nextInt(100);
      if (dice < 60) {
        long dialAt = at;
        g.add(dialAt, Kind.DIAL, u, callee(r, u, agents), 0);
        if (r.nextInt(100) < 40) { // a fault on the caller during negotiation or backoff
          g.add(dialAt + 20 + r.nextInt(700), pick(r, Kind.CLOSING, Kind.CLOSE_1011, Kind.DROP),
              u, null, 200 + r.nextInt(800));
        }
      } else if (dice < 85) {
        g.add(at, Kind.HANGUP, u, null, r.nextInt(4));
      } else {
        g.add(at, Kind.CLOSE, u, null, 0);
        if (r.nextBoolean()) { // the agent (often a callee) comes back
          g.add(at + 200 + r.nextInt(800), Kind.CONNECT, u, null, 0);
        }
      }
    }
    // faults
    int faults = 2 + r.nextInt(6);
    for (int i = 0; i < faults; i++) {
      String u = users.get(r.nextInt(n));
      long at = 200 + r.nextInt((int) length - 200);
      int dice = r.nextInt(100);
      if (dice < 28) {
        g.add(at, Kind.DROP, u, null, 0);
        int follow = r.nextInt(100);
        if (follow < 30) {
          g.add(at + 1 + r.nextInt(80), Kind.DIAL, u, callee(r, u, agents), 0);
        } else if (follow < 55) {
          g.add(at + 1 + r.nextInt(60), Kind.HANGUP, u, null, r.nextInt(4));
        } else if (follow < 65) {
          g.add(at + 1 + r.nextInt(60), Kind.CLOSE, u, null, 0);
        }
        if (r.nextInt(100) < 40) { // a second loss within the token's lifetime
          g.add(at + 400 + r.nextInt(1200), Kind.DROP, u, null, 0);
        }
      } else if (dice < 38) {
        g.add(at, Kind.CLOSE_1011, u, null, 0);
      } else if (dice < 50) {
        g.add(at, Kind.CLOSING, u, null, 100 + r.nextInt(1000));
      } else if (dice < 58) {
        g.add(at, Kind.DROP_AFTER_FRAMES, u, null, 1 + r.nextInt(4));
      } else if (dice < 64) {
        g.add(at, r.nextBoolean() ? Kind.REFUSE_429 : Kind.REFUSE_503, null, null,
            1 + r.nextInt(3));
      } else if (dice < 74) {
        g.add(at, Kind.STALL_FRAMES, u, null, 200 + r.nextInt(1200));
      } else if (dice < 82) {
        g.add(at, Kind.EXPIRE_TOKENS, u, null, 0);
      } else if (dice < 90) {
        g.add(at, Kind.EDGE_RESTART, null, null, 200 + r.nextInt(600));
      } else {
        g.add(at, Kind.CLOSING_STORM, u, null, 500 + r.nextInt(1000));
      }
    }
    steps.sort(Comparator.comparingLong(Step::atMs).thenComparingInt(Step::id));
    return new Schedule(seed, agents, List.copyOf(steps), length);
  }

  private static String callee(Random r, String caller, Map<String, String> agents) {
    if (r.nextInt(100) < 35) {
      return BUILT_INS[r.nextInt(BUILT_INS.length)];
    }
    String tenant = agents.get(caller);
    List<String> peers = agents.entrySet().stream()
        .filter(e -> e.getValue().equals(tenant) && !e.getKey().equals(caller))
        .map(Map.Entry::getKey).toList();
    return peers.isEmpty() ? "auto-answer" : peers.get(r.nextInt(peers.size()));
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  /** The sub-schedule of the steps whose ids are in {@code ids}. */
  Schedule keep(Set<Integer> ids) {
    return new Schedule(seed, agents,
        steps.stream().filter(s -> ids.contains(s.id())).toList(), lengthMs);
  }

  /** The kept ids, as {@code -Dschedule.keep} takes them. */
  String keepSpec() {
    return steps.stream().map(s -> String.valueOf(s.id())).collect(Collectors.joining(","));
  }

  /** Whether a tenant setting step is in the schedule. */
  boolean has(Kind kind, String tenant) {
    return steps.stream().anyMatch(s -> s.kind() == kind && tenant.equals(s.target()));
  }

  long faults() {
    return steps.stream().filter(s -> s.kind().fault).count();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("schedule seed ").append(seed).append(", ")
        .append(agents.size()).append(" agents ").append(agents).append(", ")
        .append(steps.size()).append(" steps:");
    steps.forEach(s -> sb.append("\n    ").append(s));
    return sb.toString();
  }

  private record Gen(List<Step> steps) {
    void add(long at, Kind kind, String agent, String target, int param) {
      steps.add(new Step(steps.size(), at, kind, agent, target, param));
    }
  }
}
