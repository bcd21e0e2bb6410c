package dev.patchbay.jmeter;

/** GUI description of {@link CloseSampler}. */
public class CloseSamplerBeanInfo extends PatchbaySamplerBeanInfo {
  public CloseSamplerBeanInfo() {
    super(CloseSampler.class, "close", "verify");
    setDefault("verify", Boolean.FALSE);
  }
}
