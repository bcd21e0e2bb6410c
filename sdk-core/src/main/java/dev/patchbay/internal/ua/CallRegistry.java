package dev.patchbay.internal.ua;

import dev.patchbay.Call;
import dev.patchbay.internal.call.RealCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The calls of one user agent, counted in the SDK's live-call counter. Actor-confined. */
final class CallRegistry {
  static final int RELEASED_INBOUND_KEPT = 64;

  private final Map<String, RealCall> calls = new LinkedHashMap<>();
  private final AtomicInteger liveCalls;
  /** Ids of the newest released inbound calls (created on first use, bounded). */
  private Set<String> releasedInbound;

  CallRegistry(AtomicInteger liveCalls) {
    this.liveCalls = liveCalls;
  }

  void add(RealCall call) {
    calls.put(call.id(), call);
    liveCalls.incrementAndGet();
  }

  /** Forgets a released call (once). */
  void released(RealCall call) {
    if (calls.remove(call.id()) == call) {
      liveCalls.decrementAndGet();
      if (call.direction() == Call.Direction.INBOUND) {
        if (releasedInbound == null) {
          releasedInbound = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > RELEASED_INBOUND_KEPT;
            }
          });
        }
        releasedInbound.add(call.id());
      }
    }
  }

  /**
   * Whether {@code callId} names an inbound call this agent already ended (one of the newest
   * {@value #RELEASED_INBOUND_KEPT}): the edge offers a ringing call again after a socket move
   * when it never saw the end (protocol §3.8).
   */
  boolean wasReleasedInbound(String callId) {
    return releasedInbound != null && releasedInbound.contains(callId);
  }

  int size() {
    return calls.size();
  }

  RealCall get(String callId) {
    return calls.get(callId);
  }

  boolean contains(String callId) {
    return calls.containsKey(callId);
  }

  /** A copy, safe to iterate while calls end. */
  List<RealCall> snapshot() {
    return new ArrayList<>(calls.values());
  }

  List<Call> publicView() {
    return List.copyOf(calls.values());
  }

  /**
   * Ids of the calls the edge holds (what a resume asks it to keep): not a call still waiting
   * to send its first invite, nor one whose invite waits for its retry after a 503/504.
   */
  List<String> knownToEdgeIds() {
    List<String> ids = new ArrayList<>();
    for (RealCall call : calls.values()) {
      if (call.isKnownToEdge()) {
        ids.add(call.id());
      }
    }
    return ids;
  }
}
