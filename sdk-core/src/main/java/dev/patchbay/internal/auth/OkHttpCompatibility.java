package dev.patchbay.internal.auth;

import dev.patchbay.PatchbayException;
import dev.patchbay.internal.Errors;
import java.io.IOException;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which OkHttp the class path gives Patchbay (its OAuth client), checked once by
 * {@code Patchbay.build()} before any OkHttp API is called.
 *
 * <p>Patchbay depends on {@code com.squareup.okhttp3:okhttp-jvm} 5.x; an app that declares
 * {@code com.squareup.okhttp3:okhttp} 4.x keeps both jars (two coordinates), and the first on
 * the class path serves every {@code okhttp3} class. Patchbay calls only API that OkHttp 4.12
 * has too, so 4.12 or later works in either order; an older OkHttp (whose missing methods
 * would fail later, on an OkHttp thread) is refused here with the fix in the message.
 */
public final class OkHttpCompatibility {
  private static final Logger LOG = LoggerFactory.getLogger(OkHttpCompatibility.class);

  /** The OkHttp this SDK is compiled and tested with (a compile-time constant). */
  static final String BUILT_WITH = okhttp3.OkHttp.VERSION;
  /** The oldest OkHttp tested as the first on the class path (consumer build okhttp4-first). */
  static final String OLDEST_SUPPORTED = "4.12.0";

  private OkHttpCompatibility() {}

  /**
   * Throws when the OkHttp that serves {@code okhttp3} classes is older than
   * {@link #OLDEST_SUPPORTED}; logs one warning when more than one OkHttp jar is present.
   *
   * @throws PatchbayException naming the jar found and how to fix the build
   */
  public static void check() {
    ClassLoader loader = OkHttpCompatibility.class.getClassLoader();
    String version = runtimeVersion(loader);
    String jar = jarOf(loader, "okhttp3/OkHttpClient.class");
    Optional<String> problem = problem(version, jar);
    if (problem.isPresent()) {
      throw Errors.patchbay(problem.get());
    }
    List<String> copies = jars(loader, "okhttp3/OkHttpClient.class");
    if (copies.size() > 1) {
      LOG.warn("{} OkHttp jars on the class path ({}); OkHttp {} from the first serves Patchbay."
          + " Works from {} on; to keep one, align them: {}", copies.size(), copies, version,
          OLDEST_SUPPORTED, FIX);
    }
  }

  /** What to change in the app's build (the same advice for Maven and Gradle). */
  static final String FIX = "import com.squareup.okhttp3:okhttp-bom:" + BUILT_WITH
      + " in <dependencyManagement> (Gradle: platform(...)) and depend on"
      + " com.squareup.okhttp3:okhttp-jvm instead of okhttp, or exclude"
      + " com.squareup.okhttp3:okhttp from the dependency that brings it";

  /**
   * The refusal for {@code version} (null when the class path has no {@code okhttp3.OkHttp},
   * i.e. OkHttp 3 or an early 4.x), or empty when it is supported.
   */
  static Optional<String> problem(String version, String jar) {
    if (version != null && compare(version, OLDEST_SUPPORTED) >= 0) {
      return Optional.empty();
    }
    String found = version == null ? "an OkHttp older than 4.x" : "OkHttp " + version;
    return Optional.of(found + " (" + jar + ") serves the okhttp3 classes, but Patchbay needs"
        + " OkHttp " + OLDEST_SUPPORTED + " or later (it is built with " + BUILT_WITH
        + "). Fix the app's build: " + FIX + ".");
  }

  /** Compares dotted versions numerically ({@code 4.12.0 > 4.9.3}); a suffix counts as 0. */
  static int compare(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(number(x, i), number(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int number(String[] parts, int i) {
    if (i >= parts.length) {
      return 0;
    }
    try {
      return Integer.parseInt(parts[i]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String runtimeVersion(ClassLoader loader) {
    try {
      return (String) Class.forName("okhttp3.OkHttp", false, loader).getField("VERSION")
          .get(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static String jarOf(ClassLoader loader, String resource) {
    try {
      CodeSource source = Class.forName("okhttp3.OkHttpClient", false, loader)
          .getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        return source.getLocation().toString();
      }
    } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
      // fall through to the resource lookup
    }
    List<String> all = jars(loader, resource);
    return all.isEmpty() ? "no jar found" : all.get(0);
  }

  private static List<String> jars(ClassLoader loader, String resource) {
    List<String> out = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources(resource))) {
        String s = url.toString();
        int bang = s.indexOf("!/");
        out.add(bang > 0 ? s.substring(0, bang) : s);
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", resource, e.toString());
    }
    return out;
  }
}
