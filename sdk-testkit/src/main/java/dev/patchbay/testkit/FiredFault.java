package dev.patchbay.testkit;

import java.time.Instant;

/**
 * One firing of an armed fault, as {@code Faults.fired()} reports it (and the edge logs it).
 *
 * @param at when it fired (the edge's clock)
 * @param fault the fault
 * @param trigger the trigger it was armed with
 * @param user the user it acted on, or null (e.g. a tenant fault)
 * @param subject what it acted on, e.g. {@code "connection c-3-ab of alice@acme"}
 */
public record FiredFault(Instant at, Fault fault, Trigger trigger, String user, String subject) {
  @Override
  public String toString() {
    return fault + " (" + trigger + ") on " + subject + " at " + at;
  }
}
