package dev.patchbay.examples.loadtest;

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
import org.apache.jmeter.report.dashboard.ReportGenerator;
import org.apache.jmeter.save.SaveService;
import org.apache.jmeter.util.JMeterUtils;

/**
 * JMeter 5.6.3's HTML dashboard generator, as {@code jmeter -g results.jtl -o dir} runs it: a
 * throw-away JMeter home from the {@code ApacheJMeter_config} artifact's {@code bin/}
 * (properties and the report template), then {@link ReportGenerator} on the JTL.
 */
final class JMeterDashboard {
  private JMeterDashboard() {}

  /** Renders {@code jtl} into {@code work/dashboard} and returns that directory. */
  static Path generate(Path jtl, Path work) throws Exception {
    Path home = work.resolve("jmeter-home");
    URL props = JMeterDashboard.class.getClassLoader().getResource("bin/jmeter.properties");
    if (props == null) {
      throw new IllegalStateException("ApacheJMeter_config is not on the test classpath");
    }
    JarURLConnection conn = (JarURLConnection) props.openConnection();
    conn.setUseCaches(false);
    try (JarFile jar = new JarFile(conn.getJarFileURL().getPath())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        Path target = home.resolve(entry.getName()).normalize();
        if (entry.getName().startsWith("bin/") && !entry.isDirectory()
            && target.startsWith(home)) {
          copy(jar, entry, target);
        }
      }
    }
    JMeterUtils.setJMeterHome(home.toString());
    JMeterUtils.loadJMeterProperties(home.resolve("bin/jmeter.properties").toString());
    JMeterUtils.initLocale();
    SaveService.loadProperties();
    Path out = work.resolve("dashboard");
    JMeterUtils.setProperty("jmeter.reportgenerator.outputdir", out.toString());
    JMeterUtils.setProperty("jmeter.reportgenerator.temp_dir", work.resolve("rg").toString());
    new ReportGenerator(jtl.toString(), null).generate();
    return out;
  }

  private static void copy(JarFile jar, JarEntry entry, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (InputStream in = jar.getInputStream(entry)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
