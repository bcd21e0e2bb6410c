package dev.patchbay.benchmarks.compare;

import java.net.URI;
import java.time.Duration;

/** A client under load: runs a {@link Scenario} against an edge and reports into a recorder. */
public interface LoadDriver {
  /** Column title in reports. */
  String name();

  /**
   * Runs every agent of {@code scenario} against {@code edge} and returns once each is done (or
   * {@code deadline} passed), after shutting the client down the way the client normally does.
   */
  ClientResult run(Scenario scenario, URI edge, LoadRecorder recorder, Duration deadline)
      throws InterruptedException;

  /**
   * Releases whatever the client left behind (called after the leak check, so a leaking client
   * does not keep the process alive). Default: nothing to do.
   */
  default void forceRelease() {}

  /**
   * What the client itself knows after shutting down.
   *
   * @param callsLost calls without a terminal state and reason
   * @param openSockets sockets the client still holds
   * @param liveCalls calls the client still holds
   * @param other anything else still held (agents, timers, threads, media sessions)
   */
  record ClientResult(long callsLost, long openSockets, long liveCalls, long other) {}
}
