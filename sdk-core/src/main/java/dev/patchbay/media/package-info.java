/**
 * The media service-provider interface: what a media engine implements ({@link
 * dev.patchbay.media.MediaEngine}, {@link dev.patchbay.media.MediaSession}, {@link
 * dev.patchbay.media.MediaEngineProvider}) and the values it exchanges with the SDK. Apps pick an
 * engine ({@link dev.patchbay.media.MediaEngines#signalingOnly()} or a module such as
 * {@code patchbay-webrtc}) and otherwise never touch this package.
 */
package dev.patchbay.media;
