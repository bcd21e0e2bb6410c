package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No type of an {@code .internal.} package appears in a public signature of core's public API:
 * public (and protected) members of the public classes of {@code dev.patchbay} and
 * {@code dev.patchbay.media}, their nested types included (the testkit has the same check).
 */
class PublicApiTest {

  @Test
  void noPublicSignatureMentionsAnInternalType() throws Exception {
    List<Class<?>> api = publicApiClasses();
    assertThat(api).as("the scan finds the API").contains(Patchbay.class, Patchbay.Builder.class,
        Credentials.TokenExchange.class, TenantLimits.class,
        dev.patchbay.media.MediaEngine.class, dev.patchbay.media.MediaSession.Listener.class);
    assertThat(leaks(api)).isEmpty();
  }

  @Test
  void theScanFindsAnInternalTypeWhereThereIsOne() {
    assertThat(leaks(List.of(Leaky.class))).hasSize(3);
  }

  /** A class that would fail the check: three signatures name an internal type. */
  public static final class Leaky {
    public dev.patchbay.internal.retry.Backoff backoff;

    public List<dev.patchbay.internal.protocol.Frame> frames() {
      return List.of();
    }

    public Leaky(dev.patchbay.internal.admission.AdmissionControl.Limits limits) {}
  }

  static List<String> leaks(List<Class<?>> classes) {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : classes) {
      check(leaks, c + " extends", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(leaks, c + " implements", t);
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          check(leaks, f.toGenericString(), f.getGenericType());
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic()) {
          check(leaks, m.toGenericString(), m.getGenericReturnType());
          params(leaks, m);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers()) && !k.isSynthetic()) {
          params(leaks, k);
        }
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          check(leaks, c.getName() + "." + rc.getName(), rc.getGenericType());
        }
      }
    }
    return leaks;
  }

  private static void params(List<String> leaks, Executable e) {
    for (Type t : e.getGenericParameterTypes()) {
      check(leaks, e.toGenericString(), t);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      check(leaks, e.toGenericString(), t);
    }
  }

  private static void check(List<String> leaks, String where, Type type) {
    if (type != null && type.getTypeName().contains(".internal.")) {
      leaks.add(where + " mentions " + type.getTypeName());
    }
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Public top-level classes of the package (from the compiled classes) and their nested ones. */
  static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException,
      ClassNotFoundException {
    Path root = Path.of(Patchbay.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : List.of("dev.patchbay", "dev.patchbay.media")) {
      try (Stream<Path> files = Files.list(root.resolve(pkg.replace('.', '/')))) {
        for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          String name = p.getFileName().toString().replace(".class", "");
          if (name.contains("$") || name.equals("package-info")) {
            continue;
          }
          Class<?> c = Class.forName(pkg + "." + name);
          if (Modifier.isPublic(c.getModifiers())) {
            addWithNested(out, c);
          }
        }
      }
    }
    return out;
  }

  private static void addWithNested(List<Class<?>> out, Class<?> c) {
    out.add(c);
    for (Class<?> n : c.getDeclaredClasses()) {
      if (visible(n.getModifiers())) {
        addWithNested(out, n);
      }
    }
  }
}
