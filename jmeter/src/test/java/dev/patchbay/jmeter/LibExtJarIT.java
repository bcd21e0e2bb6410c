package dev.patchbay.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testkit.FakeEdge;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code -all} jar as it runs in JMeter 5.6.3's {@code lib/ext}: one class loader holding
 * JMeter's own versions of the libraries the jar relocates (Jackson 2.16.1, Kotlin 1.9.22,
 * SLF4J 1.7.36 bound to Log4j 2.22.1, JMeter core) ahead of the jar, nothing of this module's
 * test classpath. A user connects, calls {@code auto-answer}, hangs up and closes through the
 * jar's own OkHttp, Kotlin and Jackson, and nothing is left open.
 */
class LibExtJarIT {

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void allJarWorksNextToJMetersOwnLibraries() throws Exception {
    Path allJar = Path.of(System.getProperty("patchbay.jmeter.allJar"));
    Path lib = Path.of(System.getProperty("patchbay.jmeter.lib"));

    // only our packages in the jar: nothing that could shadow a JMeter library
    try (JarFile jar = new JarFile(allJar.toFile())) {
      List<String> foreign = jar.stream().map(e -> e.getName())
          .filter(n -> n.endsWith(".class") && !n.startsWith("dev/patchbay/"))
          .toList();
      assertThat(foreign).as("classes outside dev/patchbay").isEmpty();
      assertThat(jar.getEntry("org/slf4j/Logger.class")).isNull();
    }

    List<URL> urls = new ArrayList<>();
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path p : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(p.toUri().toURL());
      }
    }
    assertThat(urls).hasSize(10);
    urls.add(allJar.toUri().toURL()); // lib/ext comes after lib
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start();
        URLClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new),
            ClassLoader.getPlatformClassLoader())) {
      // JMeter's own versions win for the unrelocated names
      Object kotlin = cl.loadClass("kotlin.KotlinVersion").getField("CURRENT").get(null);
      assertThat(kotlin).hasToString("1.9.22");
      Object jackson = cl.loadClass("com.fasterxml.jackson.databind.cfg.PackageVersion")
          .getField("VERSION").get(null);
      assertThat(jackson.toString()).isEqualTo("2.16.1");
      assertThat(cl.loadClass("org.slf4j.Logger").getProtectionDomain().getCodeSource()
          .getLocation().getPath()).endsWith("slf4j-api-1.7.36.jar");
      // the plugin's classes link against JMeter's
      Class<?> config = Class.forName("dev.patchbay.jmeter.PatchbayConfig", false, cl);
      assertThat(config.getMethods()).isNotEmpty();
      assertThat(Class.forName("dev.patchbay.jmeter.CallSampler", false, cl).getMethods())
          .isNotEmpty();

      Class<?> patchbayC = cl.loadClass("dev.patchbay.Patchbay");
      Object builder = patchbayC.getMethod("builder").invoke(null);
      Class<?> builderC = builder.getClass();
      builderC.getMethod("edge", URI.class).invoke(builder, edge.uri());
      Object engine = cl.loadClass("dev.patchbay.media.MediaEngines").getMethod("signalingOnly")
          .invoke(null);
      builderC.getMethod("mediaEngine", cl.loadClass("dev.patchbay.media.MediaEngine"))
          .invoke(builder, engine);
      Object patchbay = builderC.getMethod("build").invoke(builder);
      try {
        Class<?> credsC = cl.loadClass("dev.patchbay.Credentials");
        Class<?> optsC = cl.loadClass("dev.patchbay.UserAgentOptions");
        Object creds = credsC.getMethod("clientCredentials", String.class, String.class)
            .invoke(null, "alice", "alice-secret");
        Object opts = optsC.getMethod("defaults", String.class).invoke(null, "acme");
        Object agent = ((CompletableFuture<?>) patchbayC.getMethod("connect", credsC, optsC)
            .invoke(patchbay, creds, opts)).get(30, TimeUnit.SECONDS);
        Class<?> agentC = cl.loadClass("dev.patchbay.UserAgent");
        Object call = ((CompletableFuture<?>) agentC.getMethod("dial", String.class)
            .invoke(agent, "auto-answer")).get(30, TimeUnit.SECONDS);
        Class<?> callC = cl.loadClass("dev.patchbay.Call");
        ((CompletableFuture<?>) callC.getMethod("hangUp").invoke(call))
            .get(10, TimeUnit.SECONDS);
        assertThat((Optional<?>) callC.getMethod("endReason").invoke(call))
            .map(Object::toString).contains("LOCAL_HANGUP");
        agentC.getMethod("close").invoke(agent);
      } finally {
        patchbayC.getMethod("close").invoke(patchbay);
      }
      Object diagnostics = patchbayC.getMethod("diagnostics").invoke(patchbay);
      Method idle = diagnostics.getClass().getMethod("isIdle");
      assertThat((Boolean) idle.invoke(diagnostics)).as("%s", diagnostics).isTrue();
      edge.assertNoLeaks();
      assertThat(edge.counters().violations()).isZero();
      assertThat(edge.liveTokens()).isZero();
    }
    assertThat(new File(allJar.toString())).isFile();
  }
}
