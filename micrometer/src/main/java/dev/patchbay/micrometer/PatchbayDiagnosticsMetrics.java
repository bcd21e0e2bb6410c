package dev.patchbay.micrometer;

import dev.patchbay.Diagnostics;
import dev.patchbay.Patchbay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of what a {@link Patchbay} holds, read from {@link Patchbay#diagnostics()} when the
 * registry publishes:
 * <ul>
 *   <li>{@code patchbay.sockets.open}: signaling WebSockets not yet terminated;
 *   <li>{@code patchbay.user.agents}: user agents not yet closed;
 *   <li>{@code patchbay.calls.live}: calls not yet terminal (or whose media is not released);
 *   <li>{@code patchbay.media.sessions}: media sessions open in the engine;
 *   <li>{@code patchbay.threads}: threads the SDK started that are alive;
 *   <li>{@code patchbay.timers.pending}: timers scheduled and not yet run or cancelled;
 *   <li>{@code patchbay.native.objects}: native media objects alive.
 * </ul>
 * After {@link Patchbay#close()} every gauge reads 0. The gauges hold the Patchbay weakly (as
 * Micrometer's gauges do): once it is garbage collected they read {@code NaN}.
 *
 * <pre>{@code
 * new PatchbayDiagnosticsMetrics(patchbay).bindTo(registry);
 * }</pre>
 */
public final class PatchbayDiagnosticsMetrics implements MeterBinder {
  private final Patchbay patchbay;
  private final Tags tags;

  /**
   * Gauges of {@code patchbay} without tags.
   *
   * @param patchbay the instance to watch
   */
  public PatchbayDiagnosticsMetrics(Patchbay patchbay) {
    this(patchbay, Tags.empty());
  }

  /**
   * Gauges of {@code patchbay} with {@code tags} (to tell several instances apart; keep their
   * cardinality low).
   *
   * @param patchbay the instance to watch
   * @param tags tags on every gauge
   */
  public PatchbayDiagnosticsMetrics(Patchbay patchbay, Iterable<Tag> tags) {
    this.patchbay = Objects.requireNonNull(patchbay, "patchbay must not be null");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags must not be null"));
  }

  /**
   * Registers the gauges.
   *
   * @param registry where the gauges go
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "patchbay.sockets.open", "Signaling WebSockets not yet terminated",
        "sockets", d -> d.openSockets());
    gauge(registry, "patchbay.user.agents", "User agents not yet closed", "agents",
        d -> d.userAgents());
    gauge(registry, "patchbay.calls.live", "Calls not yet terminal or not yet released",
        "calls", d -> d.calls());
    gauge(registry, "patchbay.media.sessions", "Media sessions open in the engine",
        "sessions", d -> d.mediaSessions());
    gauge(registry, "patchbay.threads", "Threads the SDK started that are alive", "threads",
        d -> d.sdkThreads());
    gauge(registry, "patchbay.timers.pending", "Timers scheduled and not yet run or cancelled",
        "timers", d -> d.pendingTimers());
    gauge(registry, "patchbay.native.objects", "Native media objects alive", "objects",
        d -> (double) d.liveNativeObjects());
  }

  private void gauge(MeterRegistry registry, String name, String description, String unit,
      ToDoubleFunction<Diagnostics> value) {
    Gauge.builder(name, patchbay, p -> value.applyAsDouble(p.diagnostics()))
        .description(description).baseUnit(unit).tags(tags).register(registry);
  }
}
