/**
 * Micrometer metrics for Patchbay. {@link dev.patchbay.micrometer.PatchbayMetrics} is a
 * {@link dev.patchbay.PatchbayEventListener.Factory} that turns the SDK's events into timers and
 * counters; {@link dev.patchbay.micrometer.PatchbayDiagnosticsMetrics} is a
 * {@link io.micrometer.core.instrument.binder.MeterBinder} with gauges from
 * {@link dev.patchbay.Patchbay#diagnostics()}. Tags have low cardinality: no user id, call id or
 * connection id is ever a tag; the tenant is one only when asked for.
 */
package dev.patchbay.micrometer;
