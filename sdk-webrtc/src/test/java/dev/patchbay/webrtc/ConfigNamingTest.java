package dev.patchbay.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testing.ConfigNaming;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The WebRTC engine's public types follow core's config naming scheme (see ConfigNaming). */
class ConfigNamingTest {
  /** Types allowed factories outside builder()/defaults(), with why. */
  static final Map<Class<?>, String> OTHER_FACTORIES = Map.of(
      WebRtcMediaEngine.class, "a resource (media thread, native factory), not a config value:"
          + " create() makes a new engine with the defaults, builder() one with settings");

  /** Types with a builder that need no toBuilder(), with why. */
  static final Map<Class<?>, String> RESOURCES = Map.of(
      WebRtcMediaEngine.class, "a resource: built once, closed once");

  @Test
  void publicTypesFollowTheScheme() throws Exception {
    List<Class<?>> api = publicClasses();
    assertThat(api).contains(WebRtcMediaEngine.class, WebRtcMediaEngine.Builder.class,
        MediaStats.class, ToneDetector.class);
    assertThat(ConfigNaming.violations(api, OTHER_FACTORIES, RESOURCES)).isEmpty();
    assertThat(ConfigNaming.violations(api, Map.of(), Map.of())).as("without the allow-list")
        .containsExactlyInAnyOrder(
            WebRtcMediaEngine.class.getName() + ".create is a factory outside builder()/defaults()",
            WebRtcMediaEngine.class.getName() + " has builder() but no toBuilder()");
  }

  private static List<Class<?>> publicClasses() throws Exception {
    Path root = Path.of(
        WebRtcMediaEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("dev/patchbay/webrtc"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = p.getFileName().toString().replace(".class", "");
        if (name.equals("package-info")) {
          continue;
        }
        Class<?> c = Class.forName("dev.patchbay.webrtc." + name, false,
            ConfigNamingTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass()) {
          out.add(c);
        }
      }
    }
    return out;
  }
}
