package dev.patchbay.internal.ua;

import dev.patchbay.Call;
import dev.patchbay.internal.call.RealCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The calls of one user agent, counted in the SDK's live-call counter. Actor-confined. */
final class CallRegistry {
  private final Map<String, RealCall> calls = new LinkedHashMap<>();
  private final AtomicInteger liveCalls;

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
    }
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
