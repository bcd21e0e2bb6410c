package dev.patchbay.reliability.gen;

import dev.patchbay.CallState;
import dev.patchbay.EndReason;
import dev.patchbay.UserAgent;
import dev.patchbay.testkit.FakeEdge;
import java.time.Instant;
import java.util.List;

/**
 * The checks on a finished run's {@link History} (the sampled edge-vs-SDK check and the
 * after-close checks run during the run, in {@link ScheduleRun}):
 * <ul>
 *   <li>(a) every operation reached one outcome within its bound;
 *   <li>(b) no call failed CONNECTION_LOST while its agent (and its peer) were never away as long
 *       as the resume window; no outbound call failed TIMEOUT while the callee's side of it was
 *       ACTIVE and neither side was away that long nor had its frames stalled;
 *   <li>(d) the edge counted no token-reuse violation; no user made more upgrades in any one
 *       second than {@link ScheduleRun#UPGRADES_PER_SECOND_BOUND};
 *   <li>(e) no agent reached CLOSED unless the app closed it.
 * </ul>
 */
final class Invariants {
  private Invariants() {}

  /**
   * What the agents and the edge did around some calls: each party's connection state when the
   * call started and ended, and the call's frames in the edge's log (ms since the run's start).
   */
  static String context(History h, FakeEdge edge, List<History.CallRec> recs) {
    StringBuilder sb = new StringBuilder();
    for (History.CallRec c : recs) {
      History.Agent a = h.agentAt(c.user, c.startAt);
      sb.append("\n      ").append(c.user).append(": started while ")
          .append(a == null ? "?" : a.stateAt(c.startAt)).append(", ended while ")
          .append(a == null ? "?" : a.stateAt(c.endAt)).append("; edge frames:");
      for (dev.patchbay.testkit.LoggedFrame f : edge.frames(c.user).snapshot()) {
        dev.patchbay.internal.protocol.Frame frame = decode(f);
        boolean mine = c.callId.equals(f.callId())
            || (f.type().startsWith("resume") && String.valueOf(frame).contains(c.callId));
        if (mine || Boolean.getBoolean("schedule.allFrames")) {
          sb.append(' ').append(f.at().toEpochMilli() - h.t0Wall).append(':')
              .append(f.direction() == dev.patchbay.testkit.LoggedFrame.Direction.TO_CLIENT
                  ? "<-" : "->").append(f.type());
          if (Boolean.getBoolean("schedule.allFrames")) {
            String fs = String.valueOf(frame).replaceAll("sdp=[^,\\]]*", "sdp=..");
            sb.append('[').append(f.connectionId()).append(' ')
                .append(fs.length() > 160 ? fs.substring(0, 160) : fs).append(']');
          }
          if (frame instanceof dev.patchbay.internal.protocol.Frames.Error e) {
            sb.append(' ').append(e.status());
          }
          if (frame instanceof dev.patchbay.internal.protocol.Frames.Resumed r) {
            r.calls().stream().filter(x -> x.callId().equals(c.callId)).forEach(x -> sb
                .append('(').append(x.state()).append(x.reason() == null ? "" : " " + x.reason())
                .append(')'));
          }
        }
      }
    }
    return sb.toString();
  }

  /** The logged frame decoded (for its fields), or null when the edge could not decode it. */
  private static dev.patchbay.internal.protocol.Frame decode(dev.patchbay.testkit.LoggedFrame f) {
    try {
      return "?".equals(f.type()) ? null : CODEC.decode(f.text());
    } catch (dev.patchbay.internal.protocol.FrameDecodingException e) {
      return null;
    }
  }

  private static final dev.patchbay.internal.protocol.FrameCodec CODEC =
      new dev.patchbay.internal.protocol.FrameCodec(1 << 20);

  /** A user's agent states and connection-level frames (hello, closing, reauth, resume). */
  static String connectionTrace(History h, FakeEdge edge, String user) {
    StringBuilder sb = new StringBuilder("\n        ").append(user).append(" states:");
    for (History.Agent a : h.agents) {
      if (a.user.equals(user)) {
        sb.append(' ').append(a);
      }
    }
    sb.append("\n        upgrades:");
    edge.handshakes(user).forEach(t -> sb.append(' ').append(t.toEpochMilli() - h.t0Wall));
    sb.append("\n        sdk:");
    h.sdkEvents(user).forEach(e -> sb.append(' ').append(e));
    sb.append("\n        frames:");
    for (dev.patchbay.testkit.LoggedFrame f : edge.frames(user).snapshot()) {
      if (!"?".equals(f.type()) && f.callId() == null) {
        sb.append(' ').append(f.at().toEpochMilli() - h.t0Wall).append(':')
            .append(f.direction() == dev.patchbay.testkit.LoggedFrame.Direction.TO_CLIENT
                ? "<-" : "->").append(f.type()).append('@').append(f.connectionId());
      }
    }
    return sb.toString();
  }

  /**
   * The longest span in [from, to] (ms since the run's start) in which the edge held no open
   * socket of the user after having held one, by the edge's clock: from a socket's end, when no
   * other socket of the user was open, to the edge's next {@code hello} to the user.
   */
  static long edgeOutage(History h, FakeEdge edge, String user, long from, long to) {
    record Event(long at, String connectionId, boolean opened) {}
    List<Event> events = new java.util.ArrayList<>();
    for (dev.patchbay.testkit.LoggedFrame f : edge.frames(user).snapshot()) {
      if ("hello".equals(f.type())
          && f.direction() == dev.patchbay.testkit.LoggedFrame.Direction.TO_CLIENT) {
        events.add(new Event(f.at().toEpochMilli() - h.t0Wall, f.connectionId(), true));
      }
    }
    for (dev.patchbay.testkit.SocketEnd e : edge.socketEnds(user)) {
      events.add(new Event(e.at().toEpochMilli() - h.t0Wall, e.connectionId(), false));
    }
    events.sort(java.util.Comparator.comparingLong(Event::at)
        .thenComparing(e -> !e.opened())); // a hello and an end in the same ms: hello first
    java.util.Set<String> open = new java.util.HashSet<>();
    long longest = 0;
    long downSince = -1;
    for (Event e : events) {
      if (e.opened()) {
        open.add(e.connectionId());
        if (downSince >= 0) {
          longest = Math.max(longest, Math.min(e.at(), to) - Math.max(downSince, from));
          downSince = -1;
        }
      } else if (open.remove(e.connectionId()) && open.isEmpty() && downSince < 0) {
        downSince = e.at();
      }
    }
    if (downSince >= 0) {
      longest = Math.max(longest, to - Math.max(downSince, from));
    }
    return longest;
  }

  static void check(History h, Schedule schedule, FakeEdge edge) {
    long window = ScheduleRun.RESUME_WINDOW.toMillis();
    // (a) bounds
    for (History.Op o : h.ops) {
      if (o.done() && o.completedAt - o.invokedAt > o.boundMs) {
        String tenant = schedule.agents.get(o.agent);
        h.violation("a-bound", o + " took " + (o.completedAt - o.invokedAt) + " ms, bound "
            + o.boundMs + " ms" + (schedule.has(Step.Kind.SOCKET_CAP_1, tenant)
                ? " (tenant " + tenant + " has a socket cap of 1)" : ""));
      }
    }
    // (b) calls lost or timed out although the connection came back in time
    for (History.CallRec c : h.calls.values()) {
      if (c.endState != CallState.FAILED || c.endReason != EndReason.CONNECTION_LOST
          && c.endReason != EndReason.TIMEOUT) {
        continue;
      }
      History.Agent a = h.agentAt(c.user, c.startAt);
      if (a == null || a.closedByAppAt >= 0 && a.closedByAppAt <= c.endAt) {
        continue;
      }
      // away as the client saw it (not CONNECTED) or as the edge did (no socket of the user),
      // whichever is longer: the edge's resume window starts when the edge sees the socket
      // end, which may be before the client notices
      long away = Math.max(a.longestOutage(c.startAt, c.endAt),
          edgeOutage(h, edge, c.user, c.startAt, c.endAt));
      List<History.CallRec> peers = h.callRecs(c.callId).stream().filter(x -> x != c).toList();
      for (History.CallRec p : peers) {
        History.Agent pa = h.agentAt(p.user, p.startAt);
        if (pa != null) {
          away = Math.max(away, Math.max(pa.longestOutage(c.startAt, c.endAt),
              edgeOutage(h, edge, p.user, c.startAt, c.endAt)));
        }
      }
      if (away >= window) {
        continue;
      }
      if (c.endReason == EndReason.CONNECTION_LOST) {
        h.violation("b-connection-lost", c + " failed CONNECTION_LOST although the longest"
            + " outage of its parties (as they or the edge saw it) was " + away
            + " ms (< resume window " + window
            + " ms); peers: " + peers + context(h, edge, List.of(c)));
      } else if (c.outbound && peers.stream().anyMatch(p -> p.activeAt >= 0)
          && h.stalls.stream().noneMatch(s -> s.user().equals(c.user) && s.from() < c.endAt
              && s.to() > c.startAt)) {
        h.violation("b-timeout", c + " failed TIMEOUT although the callee answered (" + peers
            + ") and the longest outage was " + away + " ms");
      }
    }
    // (d) token reuse; upgrade rate
    if (edge.counters().violations() > 0) {
      StringBuilder sb = new StringBuilder();
      for (dev.patchbay.testkit.Violation v : edge.violations()) {
        sb.append("\n      ").append(v.at().toEpochMilli() - h.t0Wall).append(" (").append(v.at())
            .append("): ")
            .append(v.kind()).append(" by ").append(v.user()).append(" (bound to ")
            .append(v.connectionId()).append("): ").append(v.detail());
        if (v.user() != null) {
          sb.append(connectionTrace(h, edge, v.user()));
        }
      }
      h.violation("d-token-reuse", "the edge counted token violations: "
          + edge.counters().values() + sb);
    }
    for (String user : schedule.agents.keySet()) {
      List<Instant> hs = edge.handshakes(user);
      int max = 0;
      int from = 0;
      for (int i = 0; i < hs.size(); i++) {
        while (hs.get(i).toEpochMilli() - hs.get(from).toEpochMilli() >= 1000) {
          from++;
        }
        max = Math.max(max, i - from + 1);
      }
      if (max > ScheduleRun.UPGRADES_PER_SECOND_BOUND) {
        h.violation("d-upgrade-rate", user + " made " + max + " upgrades within one second"
            + " (bound " + ScheduleRun.UPGRADES_PER_SECOND_BOUND + ", " + hs.size()
            + " in the run)");
      }
    }
    // (e) never CLOSED by network loss alone
    for (History.Agent a : h.agents) {
      String cause = String.valueOf(h.connectFailures.get(a.user));
      // a reconnect refused for capacity (the tenant's only socket taken meanwhile) until the
      // agent's budget ran out ends in a typed failure by design: that is not a network loss
      boolean capacity = cause.contains("no free socket permit")
          || cause.contains("tenant_socket_cap");
      if (a.last() == UserAgent.State.CLOSED && a.closedByAppAt < 0 && !capacity) {
        h.violation("e-closed-by-network", a + " reached CLOSED without the app closing it; "
            + "connect failure: " + h.connectFailures.get(a.user)
            + connectionTrace(h, edge, a.user));
      }
    }
  }
}
