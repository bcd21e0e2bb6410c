package dev.patchbay.jmeter.internal;

import dev.patchbay.Call;
import dev.patchbay.UserAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user agent of one JMeter thread, kept as an object in the thread's
 * {@link JMeterVariables}, reused across iterations and closed when the thread ends. Only its
 * own JMeter thread touches it (JMeter's {@code interrupt()} aside, which only cancels).
 */
public final class ThreadAgent {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadAgent.class);
  private static final String PREFIX = "__patchbay.agent.";
  /**
   * The same agents by JMeter thread: JMeter clears the thread's variables before it calls
   * {@code threadFinished()}, so closing at thread end goes through this.
   */
  private static final ThreadLocal<Map<String, ThreadAgent>> HELD =
      ThreadLocal.withInitial(java.util.HashMap::new);

  private final Engine engine;
  private final UserAgent agent;
  private final List<Call> openCalls = new ArrayList<>();

  ThreadAgent(Engine engine, UserAgent agent) {
    this.engine = engine;
    this.agent = agent;
  }

  /** The agent of this thread for the Patchbay named {@code name}, if it has one. */
  public static ThreadAgent get(JMeterVariables vars, String name) {
    Object o = vars.getObject(PREFIX + name);
    return o instanceof ThreadAgent t ? t : null;
  }

  /** Keeps {@code agent} as this thread's agent of {@code engine}. */
  public static ThreadAgent put(JMeterVariables vars, Engine engine, UserAgent agent) {
    ThreadAgent t = new ThreadAgent(engine, agent);
    vars.putObject(PREFIX + engine.name(), t);
    HELD.get().put(engine.name(), t);
    engine.agents().add(t);
    return t;
  }

  /**
   * Closes every agent this JMeter thread holds (thread end); never throws. Must run on the
   * JMeter thread itself.
   */
  public static void closeAll(JMeterVariables vars) {
    List<ThreadAgent> held = new ArrayList<>(HELD.get().values());
    HELD.remove();
    for (ThreadAgent t : held) {
      if (vars != null) {
        vars.remove(PREFIX + t.engine.name());
      }
      t.close();
    }
  }

  /** Removes this agent from the thread's variables and closes it (see {@link #close()}). */
  public boolean closeAndForget(JMeterVariables vars) {
    vars.remove(PREFIX + engine.name());
    HELD.get().remove(engine.name(), this);
    return close();
  }

  public Engine engine() {
    return engine;
  }

  public UserAgent agent() {
    return agent;
  }

  /** Calls dialled by the call sampler and left up for a hang-up sampler. */
  public List<Call> openCalls() {
    openCalls.removeIf(c -> c.state().isTerminal());
    return openCalls;
  }

  /**
   * Closes the agent (hangs up its calls, closes the socket, revokes the token) and waits for
   * it, bounded by the engine's sample timeout.
   *
   * @return true when the agent finished closing within the bound
   */
  public boolean close() {
    try {
      Duration bound = engine.sampleTimeout();
      agent.closeAsync().get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("user agent {} of tenant {} did not finish closing: {}", agent.userId(),
          agent.tenant(), e.toString());
      return false;
    } finally {
      openCalls.clear();
      engine.agents().remove(this);
      engine.recorder().forget(agent.tenant(), agent.userId());
    }
  }
}
