/**
 * Internals of the JMeter plugin: the per-engine registry of {@code Patchbay} instances, the
 * per-thread user agents, the event recorder and the mapping of outcomes to samples. Not API.
 */
package dev.patchbay.jmeter.internal;
