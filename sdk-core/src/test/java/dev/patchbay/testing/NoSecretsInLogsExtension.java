package dev.patchbay.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test (or its class, for events logged after the last test) when a log event contains
 * a secret registered with {@link LogCapture#registerSecret}. Auto-registered for sdk-core's
 * suite through {@code META-INF/services} and {@code junit-platform.properties}; other modules
 * may {@code @ExtendWith} it.
 */
public final class NoSecretsInLogsExtension
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    LogCapture.install();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context);
  }

  private static void check(ExtensionContext context) {
    List<String> leaks = LogCapture.newLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " log event(s) up to "
          + context.getDisplayName() + " contain a registered secret:\n"
          + String.join("\n", leaks));
    }
  }
}
