package dev.patchbay.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config naming scheme, checked by reflection: a public class makes itself through
 * {@code builder()} and {@code defaults()} only (never {@code of}, {@code custom},
 * {@code ofDefaults}, {@code create}, ...), and a class with a {@code builder()} has a
 * {@code toBuilder()}. Interfaces (callbacks, SPIs) and enums are not config objects and are not
 * scanned.
 */
public final class ConfigNaming {
  /** The factory names of the scheme. */
  public static final Set<String> SCHEME = Set.of("builder", "defaults");

  private ConfigNaming() {}

  /**
   * What breaks the scheme.
   *
   * @param classes the public classes to scan
   * @param otherFactories classes allowed factories named otherwise (value types), with why
   * @param resources classes with a builder that need no toBuilder (not config), with why
   * @return one line per violation, empty when none
   */
  public static List<String> violations(List<Class<?>> classes,
      Map<Class<?>, String> otherFactories, Map<Class<?>, String> resources) {
    List<String> out = new ArrayList<>();
    for (Class<?> c : classes) {
      if (c.isEnum() || c.isInterface()) { // constants and SPIs/callbacks, not config objects
        continue;
      }
      boolean hasBuilder = false;
      boolean hasToBuilder = false;
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic()) {
          continue;
        }
        if (m.getName().equals("toBuilder") && !Modifier.isStatic(m.getModifiers())) {
          hasToBuilder = true;
        }
        if (!Modifier.isStatic(m.getModifiers()) || !isFactory(c, m.getReturnType())) {
          continue;
        }
        if (m.getName().equals("builder")) {
          hasBuilder = true;
        }
        if (!SCHEME.contains(m.getName()) && !otherFactories.containsKey(c)) {
          out.add(c.getName() + "." + m.getName()
              + " is a factory outside builder()/defaults()");
        }
      }
      if (hasBuilder && !hasToBuilder && !resources.containsKey(c)) {
        out.add(c.getName() + " has builder() but no toBuilder()");
      }
    }
    return out.stream().distinct().toList();
  }

  /** Returns {@code c}, a subtype of it, or its nested builder. */
  private static boolean isFactory(Class<?> c, Class<?> returned) {
    return c.isAssignableFrom(returned)
        || returned.getDeclaringClass() == c && returned.getSimpleName().equals("Builder");
  }
}
