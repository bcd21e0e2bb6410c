package dev.patchbay.jmeter;

import dev.patchbay.jmeter.internal.Actions;
import dev.patchbay.jmeter.internal.Engine;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * "Patchbay Hang Up": hangs up the calls a {@link CallSampler} with hang-up off left up in this
 * thread; elapsed = bye to everything released. Response code 200, {@code NO_CALL} or the end
 * reason when the call did not end by this side's hang-up.
 */
public class HangUpSampler extends PatchbaySampler {
  private static final long serialVersionUID = 1L;

  @Override
  SampleResult sample(Actions actions, Engine engine, JMeterVariables vars) {
    return actions.hangUp(getName(), engine, vars);
  }
}
