package dev.patchbay.jmeter;

/** GUI description of {@link CallSampler}. */
public class CallSamplerBeanInfo extends PatchbaySamplerBeanInfo {
  /**
   * Describes the properties of {@link CallSampler} for the JMeter GUI: groups, names, defaults.
   */
  public CallSamplerBeanInfo() {
    super(CallSampler.class, "call", "callee", "holdMs", "hangUp");
    setDefault("callee", "auto-answer");
    setDefault("holdMs", 1000L);
    setDefault("hangUp", Boolean.TRUE);
  }
}
