package dev.patchbay.jmeter;

import org.apache.jmeter.testbeans.gui.PasswordEditor;

/** GUI description of {@link ConnectSampler}. */
public class ConnectSamplerBeanInfo extends PatchbaySamplerBeanInfo {
  /**
   * Describes the properties of {@link ConnectSampler} for the JMeter GUI: groups, names, defaults.
   */
  public ConnectSamplerBeanInfo() {
    super(ConnectSampler.class, "connect", "clientId", "clientSecret", "userId");
    setDefault("clientId", "${user}");
    setDefault("clientSecret", "${secret}");
    setDefault("userId", "");
    property("clientSecret").setPropertyEditorClass(PasswordEditor.class);
  }
}
