package dev.patchbay.jmeter;

import dev.patchbay.jmeter.internal.Actions;
import dev.patchbay.jmeter.internal.Engine;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * "Patchbay Call": dial → hold → hang up on this thread's user agent. Connect time = the invite
 * phase (dial to the edge's first progress), latency = dial to media connected, elapsed = the
 * whole call; sub-results {@code invite}, {@code media}, {@code hold}, {@code hang up}. Response
 * code 200, or the edge's status (504, 503, 486, …) or the call's end reason. With hang-up off
 * the call stays up for a {@link HangUpSampler}.
 */
public class CallSampler extends PatchbaySampler {
  private static final long serialVersionUID = 1L;

  private transient String callee = "auto-answer";
  private transient long holdMs = 1000;
  private transient boolean hangUp = true;

  @Override
  SampleResult sample(Actions actions, Engine engine, JMeterVariables vars) {
    return actions.call(getName(), engine, vars, callee, Math.max(0, holdMs), hangUp);
  }

  /**
   * Who to call: a user of the tenant or a built-in party such as {@code auto-answer}.
   *
   * @return the callee
   */
  public String getCallee() {
    return callee;
  }

  /**
   * Sets {@link #getCallee()}.
   *
   * @param callee the new value
   */
  public void setCallee(String callee) {
    this.callee = callee;
  }

  /**
   * How long the call is held once media is connected, in ms.
   *
   * @return the hold time in ms
   */
  public long getHoldMs() {
    return holdMs;
  }

  /**
   * Sets {@link #getHoldMs()}.
   *
   * @param holdMs the new value
   */
  public void setHoldMs(long holdMs) {
    this.holdMs = holdMs;
  }

  /**
   * Hang up after the hold (default); off leaves the call up for a hang-up sampler.
   *
   * @return true to hang up after the hold
   */
  public boolean getHangUp() {
    return hangUp;
  }

  /**
   * Sets {@link #getHangUp()}.
   *
   * @param hangUp the new value
   */
  public void setHangUp(boolean hangUp) {
    this.hangUp = hangUp;
  }
}
