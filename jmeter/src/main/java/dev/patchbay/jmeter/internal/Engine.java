package dev.patchbay.jmeter.internal;

import dev.patchbay.Diagnostics;
import dev.patchbay.Patchbay;
import dev.patchbay.UserAgentOptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Patchbay} of one JMeter engine (one JVM), shared by every JMeter thread, with the
 * options every user agent gets and the recorder its events go to.
 */
public final class Engine {
  private final String name;
  private final Patchbay patchbay;
  private final UserAgentOptions options;
  private final EventRecorder recorder;
  private final Duration sampleTimeout;
  private final Set<ThreadAgent> agents = ConcurrentHashMap.newKeySet();

  public Engine(String name, Patchbay patchbay, UserAgentOptions options, EventRecorder recorder,
      Duration sampleTimeout) {
    this.name = name;
    this.patchbay = patchbay;
    this.options = options;
    this.recorder = recorder;
    this.sampleTimeout = sampleTimeout;
  }

  public String name() {
    return name;
  }

  public Patchbay patchbay() {
    return patchbay;
  }

  /** Options of every user agent; the connect sampler adds the user id. */
  public UserAgentOptions options() {
    return options;
  }

  public EventRecorder recorder() {
    return recorder;
  }

  /** Upper bound of one blocking wait of a sampler (connect, dial, hang-up, close). */
  public Duration sampleTimeout() {
    return sampleTimeout;
  }

  Set<ThreadAgent> agents() {
    return agents;
  }

  /** Agents of JMeter threads that are not closed yet. */
  public int openAgents() {
    return agents.size();
  }

  public Diagnostics diagnostics() {
    return patchbay.diagnostics();
  }
}
