package dev.patchbay.jmeter;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.jmeter.save.SaveService;
import org.apache.jmeter.util.JMeterUtils;

/**
 * A throw-away JMeter home: {@code bin/} of JMeter 5.6.3's own {@code ApacheJMeter_config}
 * artifact (jmeter.properties, saveservice.properties, the report template) in a temp
 * directory, loaded into this JVM's {@link JMeterUtils}.
 */
final class JMeterHome {
  private JMeterHome() {}

  static Path create(Path dir) throws IOException {
    URL props = JMeterHome.class.getClassLoader().getResource("bin/jmeter.properties");
    if (props == null) {
      throw new IllegalStateException("ApacheJMeter_config is not on the test classpath");
    }
    JarURLConnection conn = (JarURLConnection) props.openConnection();
    conn.setUseCaches(false);
    try (JarFile jar = new JarFile(conn.getJarFileURL().getPath())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (!entry.getName().startsWith("bin/") || entry.isDirectory()) {
          continue;
        }
        Path target = dir.resolve(entry.getName()).normalize();
        if (!target.startsWith(dir)) {
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = jar.getInputStream(entry)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    JMeterUtils.setJMeterHome(dir.toString());
    JMeterUtils.loadJMeterProperties(dir.resolve("bin/jmeter.properties").toString());
    JMeterUtils.initLocale();
    SaveService.loadProperties();
    return dir;
  }
}
