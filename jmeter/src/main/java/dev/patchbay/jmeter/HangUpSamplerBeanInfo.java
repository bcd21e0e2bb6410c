package dev.patchbay.jmeter;

/** GUI description of {@link HangUpSampler}. */
public class HangUpSamplerBeanInfo extends PatchbaySamplerBeanInfo {
  public HangUpSamplerBeanInfo() {
    super(HangUpSampler.class, "hangUp");
  }
}
