package dev.patchbay.jmeter;

/** GUI description of {@link CloseSampler}. */
public class CloseSamplerBeanInfo extends PatchbaySamplerBeanInfo {
  /**
   * Describes the properties of {@link CloseSampler} for the JMeter GUI: groups, names, defaults.
   */
  public CloseSamplerBeanInfo() {
    super(CloseSampler.class, "close", "verify");
    setDefault("verify", Boolean.FALSE);
  }
}
