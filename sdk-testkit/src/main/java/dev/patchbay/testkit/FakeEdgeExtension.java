package dev.patchbay.testkit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The JUnit 5 extension behind {@link FakeEdgeTest}: one edge per test method, injected as a
 * parameter, checked for leaks after the test and closed by JUnit.
 */
public final class FakeEdgeExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(FakeEdgeExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
    return p.getParameter().getType() == FakeEdge.class && ctx.getTestMethod().isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
    return edge(ctx);
  }

  private FakeEdge edge(ExtensionContext ctx) {
    return ctx.getStore(NS).getOrComputeIfAbsent("edge",
        k -> new Holder(builder(ctx.getRequiredTestClass()).start()), Holder.class).edge;
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    Holder h = ctx.getStore(NS).get("edge", Holder.class);
    if (h == null) {
      return;
    }
    boolean check = AnnotationSupport.findAnnotation(ctx.getRequiredTestClass(),
        FakeEdgeTest.class).map(FakeEdgeTest::checkLeaks).orElse(true);
    if (check && ctx.getExecutionException().isEmpty()) {
      h.edge.assertNoLeaks();
    }
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

  /** Closes the edge when JUnit closes the test's store. */
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
