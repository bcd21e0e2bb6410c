package dev.patchbay.reliability.gen;

import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.PatchbayException;
import dev.patchbay.UserAgent;
import dev.patchbay.internal.retry.Retrier;
import dev.patchbay.reliability.matrix.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What happened in one schedule run, on one clock (ms since the run's start): every operation's
 * invocation and outcome, every agent's connection states, every call's start, activation and
 * end (from the SDK's event listener), the faults applied, and the invariant violations found.
 * Thread-safe: SDK threads, the step thread and the sampler all write to it.
 */
final class History {
  /** Outcome of an operation. */
  enum Outcome { OK, FAILED, INDETERMINATE }

  /** One operation: invoked at {@code invokedAt}, must have one outcome within {@code boundMs}. */
  final class Op {
    final String agent;
    final String kind;
    final String what;
    final long invokedAt;
    final long boundMs;
    final AtomicInteger outcomes = new AtomicInteger();
    volatile long completedAt = -1;
    volatile Outcome outcome;
    volatile String detail;

    Op(String agent, String kind, String what, long boundMs) {
      this.agent = agent;
      this.kind = kind;
      this.what = what;
      this.invokedAt = now();
      this.boundMs = boundMs;
    }

    /** Records the outcome of a future's completion; a second one is a violation. */
    void complete(Throwable error) {
      long at = now();
      Outcome o = Outcome.OK;
      String d = null;
      if (error != null) {
        Throwable cause = Retrier.unwrap(error);
        d = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        List<String> leaked = Secrets.foundIn(cause);
        if (!leaked.isEmpty()) {
          violation("a-secret", agent + " " + what + " failed with a secret in its text");
        }
        if (cause instanceof PatchbayException) {
          o = Outcome.FAILED;
        } else if (cause instanceof java.util.concurrent.CancellationException) {
          o = Outcome.INDETERMINATE;
        } else {
          o = Outcome.FAILED;
          violation("a-untyped", agent + " " + what + " failed untyped: " + cause);
        }
      }
      if (outcomes.incrementAndGet() > 1) {
        violation("a-twice", agent + " " + what + " reached a second outcome " + o);
        return;
      }
      detail = d;
      outcome = o;
      completedAt = at;
    }

    boolean done() {
      return outcome != null;
    }

    @Override
    public String toString() {
      return "@" + invokedAt + " " + agent + " " + what + " -> "
          + (outcome == null ? "no outcome" : outcome + " @" + completedAt
              + (detail == null ? "" : " (" + detail + ")"));
    }
  }

  /** One incarnation of an agent (a connect of a user), with its connection states. */
  final class Agent {
    final String user;
    final String tenant;
    final int incarnation;
    final long createdAt = now();
    /** (at, state) in order; CONNECTED is recorded when connect() completes. */
    final List<long[]> states = new CopyOnWriteArrayList<>();
    volatile UserAgent ua;
    volatile long closedByAppAt = -1;
    volatile boolean connectDone;

    Agent(String user, String tenant, int incarnation) {
      this.user = user;
      this.tenant = tenant;
      this.incarnation = incarnation;
    }

    void state(UserAgent.State s) {
      states.add(new long[] {now(), s.ordinal()});
    }

    UserAgent.State last() {
      return states.isEmpty() ? null
          : UserAgent.State.values()[(int) states.get(states.size() - 1)[1]];
    }

    /** Whether the agent was CONNECTED at some moment in [from, to]. */
    boolean connectedDuring(long from, long to) {
      UserAgent.State at = null;
      for (long[] s : states) {
        if (s[0] <= from) {
          at = UserAgent.State.values()[(int) s[1]];
        } else if (s[0] <= to && s[1] == UserAgent.State.CONNECTED.ordinal()) {
          return true;
        }
      }
      return at == UserAgent.State.CONNECTED;
    }

    /** The state recorded at {@code t} (null before the connect completed). */
    UserAgent.State stateAt(long t) {
      UserAgent.State at = null;
      for (long[] s : states) {
        if (s[0] <= t) {
          at = UserAgent.State.values()[(int) s[1]];
        }
      }
      return at;
    }

    /**
     * The first moment at or after {@code from} from which the agent stayed CONNECTED for
     * {@code settle} ms (or until now), or -1: the moment it could have told the edge. The
     * settle time absorbs state reports that arrive a little after the SDK's call events.
     */
    long connectedStablyFrom(long from, long settle, long now) {
      List<Long> candidates = new ArrayList<>();
      if (stateAt(from) == UserAgent.State.CONNECTED) {
        candidates.add(from);
      }
      for (long[] s : states) {
        if (s[0] > from && s[1] == UserAgent.State.CONNECTED.ordinal()) {
          candidates.add(s[0]);
        }
      }
      for (long c : candidates) {
        long until = c + settle;
        if (until > now) {
          continue;
        }
        boolean stable = true;
        for (long[] s : states) {
          if (s[0] > c && s[0] <= until && s[1] != UserAgent.State.CONNECTED.ordinal()) {
            stable = false;
            break;
          }
        }
        if (stable) {
          return c;
        }
      }
      return -1;
    }

    /** The longest span in [from, to] the agent spent not CONNECTED after having connected. */
    long longestOutage(long from, long to) {
      long longest = 0;
      long downSince = -1;
      for (long[] s : states) {
        boolean up = s[1] == UserAgent.State.CONNECTED.ordinal();
        long t = s[0];
        if (!up && downSince < 0) {
          downSince = t;
        } else if (up && downSince >= 0) {
          longest = Math.max(longest, Math.min(t, to) - Math.max(downSince, from));
          downSince = -1;
        }
      }
      if (downSince >= 0) {
        longest = Math.max(longest, to - Math.max(downSince, from));
      }
      return longest;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(user + "#" + incarnation + " [");
      for (long[] s : states) {
        sb.append(' ').append(s[0]).append(':').append(UserAgent.State.values()[(int) s[1]]);
      }
      return sb.append(closedByAppAt >= 0 ? " ] closed by app @" + closedByAppAt : " ]")
          .toString();
    }
  }

  /** One call as one user's SDK saw it. */
  static final class CallRec {
    final String user;
    final String callId;
    final boolean outbound;
    final long startAt;
    volatile long activeAt = -1;
    volatile long endAt = -1;
    volatile CallState endState;
    volatile EndReason endReason;
    final AtomicInteger ends = new AtomicInteger();

    CallRec(String user, String callId, boolean outbound, long startAt) {
      this.user = user;
      this.callId = callId;
      this.outbound = outbound;
      this.startAt = startAt;
    }

    @Override
    public String toString() {
      return user + (outbound ? " dialled " : " got ") + callId + " @" + startAt
          + (activeAt >= 0 ? ", active @" + activeAt : "")
          + (endAt >= 0 ? ", " + endState + "/" + endReason + " @" + endAt : ", live");
    }
  }

  /** A violated invariant. */
  record Violation(String code, String text) {
    @Override
    public String toString() {
      return "[" + code + "] " + text;
    }
  }

  private final long t0 = System.nanoTime();
  /** Live tokens after close whose answer an edge restart cut (not violations). */
  volatile int tokensCutByRestart;
  /**
   * Token answers the agents received (their listeners' {@code tokenRequestEnd}): the edge's
   * {@code tokensIssued} less this is how many answers never reached a client.
   */
  final AtomicInteger tokensReceived = new AtomicInteger();

  /** The run's start on the wall clock (the edge's frame log uses it). */
  final long t0Wall = System.currentTimeMillis();
  final List<Op> ops = new CopyOnWriteArrayList<>();
  final List<Agent> agents = new CopyOnWriteArrayList<>();
  final Map<String, CallRec> calls = new ConcurrentHashMap<>();
  /** (at, step) of every fault applied, and when its effect ended (stalls, storms). */
  final List<String> log = new CopyOnWriteArrayList<>();
  final Map<String, String> connectFailures = new ConcurrentHashMap<>();
  final Map<String, Integer> faultsApplied = new ConcurrentHashMap<>();
  /** Spans in which a user's inbound frames were held by the edge: user, from, to. */
  record Stall(String user, long from, long to) {}

  final List<Stall> stalls = new CopyOnWriteArrayList<>();
  private final List<Violation> violations = new ArrayList<>();

  long now() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  Op begin(String agent, String kind, String what, long boundMs) {
    Op op = new Op(agent, kind, what, boundMs);
    ops.add(op);
    return op;
  }

  void note(String line) {
    log.add("@" + now() + " " + line);
  }

  /** How many SDK connection events {@link #sdkEvent} keeps per user (the newest). */
  static final int SDK_EVENTS_PER_USER = 48;
  private final Map<String, java.util.Deque<String>> sdkEvents = new ConcurrentHashMap<>();

  /**
   * One connection-level event as the SDK reported it (connect attempts, token requests,
   * retries, permit waits): what the edge's own log cannot show, e.g. why an agent did not come
   * back. Bounded per user.
   */
  void sdkEvent(String user, String event) {
    java.util.Deque<String> q = sdkEvents.computeIfAbsent(String.valueOf(user),
        u -> new java.util.ArrayDeque<>());
    synchronized (q) {
      q.addLast(now() + ":" + event);
      if (q.size() > SDK_EVENTS_PER_USER) {
        q.removeFirst();
      }
    }
  }

  List<String> sdkEvents(String user) {
    java.util.Deque<String> q = sdkEvents.get(user);
    if (q == null) {
      return List.of();
    }
    synchronized (q) {
      return new ArrayList<>(q);
    }
  }

  void fault(Step step) {
    faultsApplied.merge(step.kind().name(), 1, Integer::sum);
    note("fault " + step);
  }

  CallRec call(String user, String callId) {
    return calls.get(user + "/" + callId);
  }

  /** Every SDK record of {@code callId} (caller's and callee's). */
  List<CallRec> callRecs(String callId) {
    List<CallRec> out = new ArrayList<>();
    calls.values().forEach(c -> {
      if (c.callId.equals(callId)) {
        out.add(c);
      }
    });
    return out;
  }

  /** The incarnation of {@code user} alive at {@code at} (the last one started before). */
  Agent agentAt(String user, long at) {
    Agent found = null;
    for (Agent a : agents) {
      if (a.user.equals(user) && a.createdAt <= at) {
        found = a;
      }
    }
    return found;
  }

  synchronized void violation(String code, String text) {
    violations.add(new Violation(code, text));
  }

  synchronized List<Violation> violations() {
    return List.copyOf(violations);
  }

  /** Operations by kind and outcome, e.g. {@code dial FAILED → 3}. */
  Map<String, Integer> opsByOutcome() {
    Map<String, Integer> m = new TreeMap<>();
    for (Op o : ops) {
      m.merge(o.kind + " " + (o.outcome == null ? "NONE" : o.outcome), 1, Integer::sum);
    }
    return m;
  }
}
