/**
 * The media TCK: {@link dev.patchbay.media.tck.MediaEngineTestSuite}, the contract every
 * {@link dev.patchbay.media.MediaEngine} must pass, as an abstract JUnit 5 suite.
 */
package dev.patchbay.media.tck;
