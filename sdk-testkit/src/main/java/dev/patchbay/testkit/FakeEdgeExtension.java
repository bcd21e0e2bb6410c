package dev.patchbay.testkit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The JUnit 5 extension behind {@link FakeEdgeTest}: one edge per test method (or per class),
 * injected as a parameter, checked for leaks after each test and closed by JUnit.
 *
 * <p>Registered on a static field, it runs one edge for the whole class, as Testcontainers
 * users expect; after each test it checks for leaks (unless the test failed) and then
 * {@link FakeEdge#reset() resets} the edge, so every test starts from no sockets, calls,
 * faults, counters or frame logs (users and tokens stay):
 *
 * <pre>{@code
 * class MyTest {
 *   @RegisterExtension
 *   static FakeEdgeExtension edge = FakeEdgeExtension.perClass(
 *       FakeEdge.builder().user("acme", "alice", "alice-secret"));
 *
 *   @Test
 *   void connects() {
 *     URI base = edge.edge().uri();
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class FakeEdgeExtension
    implements ParameterResolver, BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(FakeEdgeExtension.class);
  private final FakeEdge.Builder perClass;
  private volatile FakeEdge registered;

  /** The extension of {@link FakeEdgeTest} (configured by the test class's annotation). */
  public FakeEdgeExtension() {
    this.perClass = null;
  }

  private FakeEdgeExtension(FakeEdge.Builder builder) {
    this.perClass = builder;
  }

  /**
   * One edge for the whole class, started from {@code builder} before the first test; register
   * it on a static field with {@code @RegisterExtension}.
   *
   * @param builder configures the edge
   * @return the extension
   */
  public static FakeEdgeExtension perClass(FakeEdge.Builder builder) {
    return new FakeEdgeExtension(Objects.requireNonNull(builder, "builder"));
  }

  /**
   * The class's edge of an extension made by {@link #perClass}.
   *
   * @return the running edge
   * @throws IllegalStateException outside the class's tests, or for the annotation's extension
   */
  public FakeEdge edge() {
    FakeEdge e = registered;
    if (e == null) {
      throw new IllegalStateException("the edge runs from before the first test to after the "
          + "last one of a class that registers FakeEdgeExtension.perClass on a static field");
    }
    return e;
  }

  @Override
  public void beforeAll(ExtensionContext ctx) {
    if (perClass != null) {
      registered = perClass.start();
    } else if (scope(ctx) == FakeEdgeTest.Scope.PER_CLASS) {
      ctx.getStore(NS).put("classEdge",
          new Holder(builder(ctx.getRequiredTestClass()).start()));
    }
  }

  @Override
  public void afterAll(ExtensionContext ctx) {
    FakeEdge e = registered;
    if (e != null) {
      registered = null;
      e.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
    return p.getParameter().getType() == FakeEdge.class && ctx.getTestMethod().isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
    FakeEdge shared = shared(ctx);
    if (shared != null) {
      return shared;
    }
    return ctx.getStore(NS).getOrComputeIfAbsent("edge",
        k -> new Holder(builder(ctx.getRequiredTestClass()).start()), Holder.class).edge;
  }

  /** The per-class edge, or null when each test has its own. */
  private FakeEdge shared(ExtensionContext ctx) {
    if (perClass != null) {
      return registered;
    }
    Holder h = ctx.getStore(NS).get("classEdge", Holder.class); // found in the class's store
    return h == null ? null : h.edge;
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    FakeEdge shared = shared(ctx);
    Holder own = ctx.getStore(NS).get("edge", Holder.class);
    FakeEdge edge = shared != null ? shared : own == null ? null : own.edge;
    if (edge == null) {
      return;
    }
    boolean check = perClass != null || AnnotationSupport.findAnnotation(
        ctx.getRequiredTestClass(), FakeEdgeTest.class).map(FakeEdgeTest::checkLeaks)
        .orElse(true);
    try {
      if (check && ctx.getExecutionException().isEmpty()) {
        edge.assertNoLeaks();
      }
    } finally {
      if (shared != null) {
        edge.reset(); // the next test starts clean
      }
    }
  }

  private static FakeEdgeTest.Scope scope(ExtensionContext ctx) {
    return ctx.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c,
        FakeEdgeTest.class)).map(FakeEdgeTest::scope).orElse(FakeEdgeTest.Scope.PER_TEST);
  }

  static FakeEdge.Builder builder(Class<?> testClass) {
    List<Method> configs = new ArrayList<>(AnnotationSupport.findAnnotatedMethods(testClass,
        FakeEdgeConfig.class, HierarchyTraversalMode.BOTTOM_UP));
    if (configs.isEmpty()) {
      return FakeEdge.builder();
    }
    if (configs.size() > 1) {
      throw new ExtensionConfigurationException("only one @FakeEdgeConfig method is allowed in "
          + testClass.getName() + ", but found " + configs.size());
    }
    Method m = configs.get(0);
    if (!Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0
        || !FakeEdge.Builder.class.isAssignableFrom(m.getReturnType())) {
      throw new ExtensionConfigurationException("@FakeEdgeConfig method " + m.getName()
          + " must be static, take no parameters and return FakeEdge.Builder");
    }
    try {
      m.setAccessible(true);
      return (FakeEdge.Builder) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new ExtensionConfigurationException("@FakeEdgeConfig method " + m.getName()
          + " failed", e.getCause() != null ? e.getCause() : e);
    }
  }

  /** Closes the edge when JUnit closes the store that holds it. */
  private static final class Holder
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final FakeEdge edge;

    Holder(FakeEdge edge) {
      this.edge = edge;
    }

    @Override
    public void close() {
      edge.close();
    }
  }
}
