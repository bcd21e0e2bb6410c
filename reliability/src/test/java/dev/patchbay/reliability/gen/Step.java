package dev.patchbay.reliability.gen;

/**
 * One step of a generated {@link Schedule}: an operation of an agent or a fault, at an offset
 * from the schedule's start. {@code id} is stable under shrinking, so a shrunk schedule is named
 * by its seed and the ids it keeps.
 *
 * @param id position in the generated schedule
 * @param atMs offset from the start
 * @param kind what happens
 * @param agent the user it happens to (null for edge-wide faults)
 * @param target the callee of a dial, the tenant of a tenant setting, or null
 * @param param a duration in ms, a count or an index, depending on the kind
 */
record Step(int id, long atMs, Kind kind, String agent, String target, int param) {

  /** What a step does. Operations are the app's; faults are the network's and the edge's. */
  enum Kind {
    // operations
    CONNECT(false), DIAL(false), HANGUP(false), CLOSE(false),
    // faults, applied at the step's time
    DROP(true), CLOSE_1011(true), CLOSING(true), DROP_AFTER_FRAMES(true), REFUSE_429(true),
    REFUSE_503(true), STALL_FRAMES(true), EXPIRE_TOKENS(true), EDGE_RESTART(true),
    CLOSING_STORM(true),
    // faults that configure a tenant at the edge's start (atMs 0)
    SQUEEZE_MEDIA(true), SOCKET_CAP_1(true);

    final boolean fault;

    Kind(boolean fault) {
      this.fault = fault;
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append('#').append(id).append(" +").append(atMs)
        .append("ms ").append(kind);
    if (agent != null) {
      sb.append(' ').append(agent);
    }
    if (target != null) {
      sb.append(kind == Kind.DIAL ? " -> " : " ").append(target);
    }
    if (param != 0) {
      sb.append(" (").append(param).append(')');
    }
    return sb.toString();
  }
}
