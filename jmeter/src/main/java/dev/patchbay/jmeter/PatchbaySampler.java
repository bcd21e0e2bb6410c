package dev.patchbay.jmeter;

import dev.patchbay.jmeter.internal.Actions;
import dev.patchbay.jmeter.internal.Engine;
import dev.patchbay.jmeter.internal.EngineRegistry;
import dev.patchbay.jmeter.internal.ThreadAgent;
import org.apache.jmeter.samplers.AbstractSampler;
import org.apache.jmeter.samplers.Entry;
import org.apache.jmeter.samplers.Interruptible;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * Base of the Patchbay samplers: finds the {@link PatchbayConfig} by name and closes this
 * JMeter thread's user agent when the thread ends. Samples run on the JMeter thread; no thread
 * is started per sample.
 */
public abstract class PatchbaySampler extends AbstractSampler
    implements TestBean, ThreadListener, Interruptible {
  private static final long serialVersionUID = 1L;

  private transient String patchbayName = "patchbay";
  /** Per clone (per JMeter thread); null in a deserialized tree (distributed mode). */
  private transient Actions actions = new Actions();

  @Override
  public final SampleResult sample(Entry e) {
    String name = patchbayName == null || patchbayName.isBlank() ? "patchbay"
        : patchbayName.trim();
    Engine engine = EngineRegistry.find(name).orElse(null);
    JMeterVariables vars = JMeterContextService.getContext().getVariables();
    if (engine == null) {
      SampleResult r = new SampleResult();
      r.setSampleLabel(getName());
      r.sampleStart();
      r.sampleEnd();
      r.setSuccessful(false);
      r.setResponseCode("NO_PATCHBAY");
      r.setResponseMessage("no Patchbay config element named '" + name + "' is running: add a"
          + " Patchbay config element to the test plan");
      return r;
    }
    if (actions == null) {
      actions = new Actions();
    }
    return sample(actions, engine, vars);
  }

  /** Does this sampler's work on the JMeter thread. */
  abstract SampleResult sample(Actions actions, Engine engine, JMeterVariables vars);

  @Override
  public boolean interrupt() {
    Actions a = actions;
    return a != null && a.interrupt();
  }

  @Override
  public void threadStarted() {
    // the user agent is created by the connect sampler
  }

  /** Closes every user agent this JMeter thread holds (idempotent across samplers). */
  @Override
  public void threadFinished() {
    ThreadAgent.closeAll(JMeterContextService.getContext().getVariables());
  }

  /**
   * Name of the {@link PatchbayConfig} to use; default {@code patchbay}.
   *
   * @return the name
   */
  public String getPatchbayName() {
    return patchbayName;
  }

  /**
   * Sets {@link #getPatchbayName()}.
   *
   * @param patchbayName the new value
   */
  public void setPatchbayName(String patchbayName) {
    this.patchbayName = patchbayName;
  }
}
