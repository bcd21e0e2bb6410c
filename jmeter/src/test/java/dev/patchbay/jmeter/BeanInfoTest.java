package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.jmeter.testbeans.BeanInfoSupport;
import org.apache.jmeter.testbeans.TestBeanHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What JMeter's GUI (TestBeanGUI) reads: each element's bean info loads, has a display name from
 * its resource bundle, and every property JMeter sets is in a group, with a display name, a
 * description and a default.
 */
class BeanInfoTest {
  @TempDir
  static Path home;

  @BeforeAll
  static void jmeterHome() throws Exception {
    JMeterHome.create(home);
  }

  @Test
  void everyElementDescribesEveryProperty() throws Exception {
    Map<Class<?>, String> elements = Map.of(
        PatchbayConfig.class, "Patchbay",
        ConnectSampler.class, "Patchbay Connect",
        CallSampler.class, "Patchbay Call",
        HangUpSampler.class, "Patchbay Hang Up",
        CloseSampler.class, "Patchbay Close");
    for (var e : elements.entrySet()) {
      BeanInfo info = Introspector.getBeanInfo(e.getKey());
      assertThat(info.getBeanDescriptor().getDisplayName()).isEqualTo(e.getValue());
      List<PropertyDescriptor> set = Arrays.stream(info.getPropertyDescriptors())
          .filter(p -> !TestBeanHelper.isDescriptorIgnored(p)).toList();
      assertThat(set).as("%s properties", e.getKey()).isNotEmpty();
      for (PropertyDescriptor p : set) {
        String what = e.getKey().getSimpleName() + "." + p.getName();
        assertThat(p.getValue("group")).as(what + " group").isNotNull();
        assertThat(p.getDisplayName()).as(what + " display name").isNotEqualTo(p.getName());
        assertThat(p.getShortDescription()).as(what + " description")
            .isNotEqualTo(p.getDisplayName());
        assertThat(p.getValue(BeanInfoSupport.DEFAULT)).as(what + " default").isNotNull();
      }
    }
  }
}
