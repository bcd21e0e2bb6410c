/**
 * Patchbay for Apache JMeter 5.6.3: a config element ({@link PatchbayConfig}, one
 * {@code Patchbay} per JMeter engine) and samplers that make each JMeter thread one correct
 * Patchbay user agent ({@link ConnectSampler}, {@link CallSampler}, {@link HangUpSampler},
 * {@link CloseSampler}). All are TestBeans: they appear in JMeter's GUI under Config Elements
 * and Samplers and run the same in non-GUI and distributed mode.
 */
package dev.patchbay.jmeter;
