package dev.patchbay.internal.call;

import dev.patchbay.internal.protocol.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Local ICE candidates of a call, held back until the edge proved the call's media slot
 * (ringing or an answer), then sent in order. Actor-confined.
 */
final class LocalCandidates {
  private final CallHost host;
  private final List<Frame> pending = new ArrayList<>();
  private boolean open;

  LocalCandidates(CallHost host) {
    this.host = host;
  }

  boolean isOpen() {
    return open;
  }

  void send(Frame candidate) {
    if (open) {
      host.send(candidate);
    } else {
      pending.add(candidate);
    }
  }

  /** From now on candidates go out at once; the held ones go first. */
  void open() {
    if (open) {
      return;
    }
    open = true;
    for (Frame f : pending) {
      host.send(f);
    }
    pending.clear();
  }

  void clear() {
    pending.clear();
  }
}
