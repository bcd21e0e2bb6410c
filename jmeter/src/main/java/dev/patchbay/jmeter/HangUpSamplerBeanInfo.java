package dev.patchbay.jmeter;

/** GUI description of {@link HangUpSampler}. */
public class HangUpSamplerBeanInfo extends PatchbaySamplerBeanInfo {
  /**
   * Describes the properties of {@link HangUpSampler} for the JMeter GUI: groups, names, defaults.
   */
  public HangUpSamplerBeanInfo() {
    super(HangUpSampler.class, "hangUp");
  }
}
