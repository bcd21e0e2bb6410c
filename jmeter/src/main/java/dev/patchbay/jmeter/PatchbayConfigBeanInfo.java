package dev.patchbay.jmeter;

import java.beans.PropertyDescriptor;
import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.gui.TypeEditor;

/** GUI description of {@link PatchbayConfig} (texts in {@code PatchbayConfigResources}). */
public class PatchbayConfigBeanInfo extends BeanInfoSupport {
  /**
   * Describes the properties of {@link PatchbayConfig} for the JMeter GUI: groups, names, defaults.
   */
  public PatchbayConfigBeanInfo() {
    super(PatchbayConfig.class);
    createPropertyGroup("edge", new String[] {"patchbayName", "edgeUrl", "tenant",
        "mediaEngine", "allowPlaintext", "maxSockets", "maxNegotiations"});
    createPropertyGroup("retry", new String[] {"connectAttempts", "connectDeadlineMs",
        "inviteAttempts", "inviteDeadlineMs"});
    createPropertyGroup("deadlines", new String[] {"upgradeTimeoutMs", "helloTimeoutMs",
        "inviteTimeoutMs", "ringTimeoutMs", "mediaTimeoutMs", "sampleTimeoutMs"});
    text("patchbayName", "patchbay");
    text("edgeUrl", "https://edge.example.com");
    text("tenant", "");
    PropertyDescriptor p = property("mediaEngine", TypeEditor.ComboStringEditor);
    p.setValue(NOT_UNDEFINED, Boolean.TRUE);
    p.setValue(DEFAULT, PatchbayConfig.MEDIA_SIGNALING_ONLY);
    p.setValue(NOT_OTHER, Boolean.TRUE);
    p.setValue(TAGS, new String[] {PatchbayConfig.MEDIA_SIGNALING_ONLY,
        PatchbayConfig.MEDIA_CLASSPATH});
    p = property("allowPlaintext");
    p.setValue(NOT_UNDEFINED, Boolean.TRUE);
    p.setValue(DEFAULT, Boolean.FALSE);
    for (String n : new String[] {"maxSockets", "maxNegotiations", "connectAttempts",
        "inviteAttempts"}) {
      p = property(n);
      p.setValue(NOT_UNDEFINED, Boolean.TRUE);
      p.setValue(DEFAULT, 0);
    }
    for (String n : new String[] {"connectDeadlineMs", "inviteDeadlineMs", "upgradeTimeoutMs",
        "helloTimeoutMs", "inviteTimeoutMs", "ringTimeoutMs", "mediaTimeoutMs",
        "sampleTimeoutMs"}) {
      p = property(n);
      p.setValue(NOT_UNDEFINED, Boolean.TRUE);
      p.setValue(DEFAULT, 0L);
    }
  }

  private void text(String name, String dflt) {
    PropertyDescriptor p = property(name);
    p.setValue(NOT_UNDEFINED, Boolean.TRUE);
    p.setValue(DEFAULT, dflt);
  }
}
