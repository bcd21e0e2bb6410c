package dev.patchbay.webrtc.internal;

import dev.patchbay.media.IceCandidate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Remote candidates that cannot be applied yet, and the staleness rule. A candidate is
 * <em>current</em> when it has no {@code ufrag} or the current remote description's,
 * <em>stale</em> when its ufrag belonged to an earlier remote description (an ICE generation
 * that was restarted away: never applied), and <em>future</em> otherwise (its description has
 * not arrived yet: buffered). Media thread only.
 */
final class RemoteCandidates {
  enum Kind { CURRENT, STALE, FUTURE }

  private final List<IceCandidate> pending = new ArrayList<>();
  private final Set<String> retired = new HashSet<>();
  private String currentUfrag;

  void buffer(IceCandidate candidate) {
    if (classify(candidate) != Kind.STALE) {
      pending.add(candidate);
    }
  }

  int buffered() {
    return pending.size();
  }

  /** A remote description with this ufrag is now in force. */
  void generation(String ufrag) {
    if (ufrag == null || ufrag.equals(currentUfrag)) {
      return;
    }
    if (currentUfrag != null) {
      retired.add(currentUfrag);
    }
    currentUfrag = ufrag;
  }

  /** Drops everything buffered (we restart ICE ourselves: nothing old may be reused). */
  void clear() {
    pending.clear();
  }

  Kind classify(IceCandidate candidate) {
    String u = Sdp.candidateUfrag(candidate.candidate());
    if (u == null || u.equals(currentUfrag)) {
      return Kind.CURRENT;
    }
    return retired.contains(u) ? Kind.STALE : Kind.FUTURE;
  }

  /**
   * Removes and returns the buffered candidates of the current generation in arrival order;
   * stale ones are dropped, future ones stay buffered.
   */
  List<IceCandidate> drain() {
    List<IceCandidate> out = new ArrayList<>();
    for (Iterator<IceCandidate> it = pending.iterator(); it.hasNext(); ) {
      IceCandidate c = it.next();
      Kind kind = classify(c);
      if (kind != Kind.FUTURE) {
        it.remove();
      }
      if (kind == Kind.CURRENT) {
        out.add(c);
      }
    }
    return out;
  }
}
