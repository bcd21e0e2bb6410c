package dev.patchbay.jmeter;

import dev.patchbay.jmeter.internal.Actions;
import dev.patchbay.jmeter.internal.Engine;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * "Patchbay Close": closes this thread's user agent (hangs up its calls, closes the socket,
 * revokes the token). Threads close their agents when they end anyway; this sampler times it.
 * With "verify" — meant for a tearDown Thread Group, after every other thread ended — it also
 * fails (response code {@code LEAK}) when the Patchbay still holds a user agent, socket, call
 * or media session, naming the counts.
 */
public class CloseSampler extends PatchbaySampler {
  private static final long serialVersionUID = 1L;

  private transient boolean verify;

  @Override
  SampleResult sample(Actions actions, Engine engine, JMeterVariables vars) {
    return actions.close(getName(), engine, vars, verify);
  }

  /**
   * Also check that the whole Patchbay holds nothing any more (tearDown Thread Group).
   *
   * @return true to check that nothing is held
   */
  public boolean getVerify() {
    return verify;
  }

  /**
   * Sets {@link #getVerify()}.
   *
   * @param verify the new value
   */
  public void setVerify(boolean verify) {
    this.verify = verify;
  }
}
