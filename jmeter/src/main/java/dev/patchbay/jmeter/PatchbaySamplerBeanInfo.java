package dev.patchbay.jmeter;

import java.beans.PropertyDescriptor;
import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.TestBean;

/** Common GUI description of the Patchbay samplers. */
abstract class PatchbaySamplerBeanInfo extends BeanInfoSupport {
  PatchbaySamplerBeanInfo(Class<? extends TestBean> type, String group, String... properties) {
    super(type);
    String[] all = new String[properties.length + 1];
    all[0] = "patchbayName";
    System.arraycopy(properties, 0, all, 1, properties.length);
    createPropertyGroup(group, all);
    setDefault("patchbayName", "patchbay");
  }

  final void setDefault(String name, Object value) {
    PropertyDescriptor p = property(name);
    p.setValue(NOT_UNDEFINED, Boolean.TRUE);
    p.setValue(DEFAULT, value);
  }
}
