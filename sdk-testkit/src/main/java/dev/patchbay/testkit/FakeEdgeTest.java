package dev.patchbay.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a fresh {@link FakeEdge} per test method (or one per class:
 * {@link #scope()}), injected as a parameter
 * of test methods, {@code @BeforeEach} and {@code @AfterEach} methods. The edge is configured
 * by the class's static method annotated {@link FakeEdgeConfig} (returning a
 * {@link FakeEdge.Builder}), or else by {@link FakeEdge#builder()} defaults; after each test the
 * extension calls {@link FakeEdge#assertNoLeaks()} (failing the test on leaks, unless
 * {@link #checkLeaks()} is false) and closes the edge.
 *
 * <pre>{@code
 * @FakeEdgeTest
 * class MyTest {
 *   @FakeEdgeConfig
 *   static FakeEdge.Builder edge() {
 *     return FakeEdge.builder().user("acme", "alice", "alice-secret");
 *   }
 *
 *   @Test
 *   void connects(FakeEdge edge) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FakeEdgeExtension.class)
public @interface FakeEdgeTest {
  /**
   * Whether to fail a test that leaves sockets, calls or media slots open (default true).
   *
   * @return whether to check for leaks
   */
  boolean checkLeaks() default true;

  /**
   * One edge per test method (default), or one per test class: started before the first test,
   * checked for leaks after each test, then {@link FakeEdge#reset() reset}, and closed after
   * the last one.
   *
   * @return the edge's lifetime
   */
  Scope scope() default Scope.PER_TEST;

  /** The lifetime of the edge of a {@link FakeEdgeTest}. */
  enum Scope {
    /** A fresh edge per test method. */
    PER_TEST,
    /** One edge per test class, reset after each test. */
    PER_CLASS
  }
}
