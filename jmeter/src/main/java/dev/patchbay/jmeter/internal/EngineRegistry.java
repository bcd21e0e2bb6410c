package dev.patchbay.jmeter.internal;

import dev.patchbay.Diagnostics;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Engine}s of this JVM by name: the config element registers one at test start and
 * removes it at test end; samplers look theirs up. One JMeter engine runs per JVM (also each
 * {@code jmeter-server} of a distributed test), so this is one Patchbay per JMeter engine.
 */
public final class EngineRegistry {
  private static final Map<String, Engine> ENGINES = new ConcurrentHashMap<>();
  private static final Map<String, CloseReport> LAST_CLOSED = new ConcurrentHashMap<>();

  private EngineRegistry() {}

  /**
   * What the config element saw when it closed its Patchbay at test end.
   *
   * @param beforeClose diagnostics after every JMeter thread ended, before {@code close()}
   * @param afterClose diagnostics after {@code close()}: all zero unless the SDK leaked
   * @param agentsLeftOpen user agents of JMeter threads that were still open at test end
   */
  public record CloseReport(Diagnostics beforeClose, Diagnostics afterClose, int agentsLeftOpen) {
    /** True when no thread left a user agent, socket, call or media session behind. */
    public boolean clean() {
      return agentsLeftOpen == 0 && beforeClose.userAgents() == 0
          && beforeClose.openSockets() == 0 && beforeClose.calls() == 0
          && beforeClose.mediaSessions() == 0 && afterClose.isIdle();
    }
  }

  /** Registers {@code engine}; fails when an engine of that name is already running. */
  public static void register(Engine engine) {
    Engine previous = ENGINES.putIfAbsent(engine.name(), engine);
    if (previous != null) {
      throw new IllegalStateException("a Patchbay named '" + engine.name()
          + "' is already running in this JVM; give each Patchbay config element its own name");
    }
  }

  public static Optional<Engine> find(String name) {
    return Optional.ofNullable(ENGINES.get(name));
  }

  public static Optional<Engine> remove(String name) {
    return Optional.ofNullable(ENGINES.remove(name));
  }

  public static void closed(String name, CloseReport report) {
    LAST_CLOSED.put(name, report);
  }

  /** The report of the last test end of the Patchbay named {@code name} in this JVM. */
  public static Optional<CloseReport> lastClosed(String name) {
    return Optional.ofNullable(LAST_CLOSED.get(name));
  }
}
