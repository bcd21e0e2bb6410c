package dev.patchbay.media;

/** Connectivity of a call's media, as its {@link MediaSession} reports it. */
public enum MediaState {
  /** Created; no connectivity check has started. */
  NEW,
  /** ICE connectivity checks are running. */
  CONNECTING,
  /** Media flows. */
  CONNECTED,
  /** Connectivity lost; the engine may still recover (ICE restart). */
  DISCONNECTED,
  /** Terminal: the media cannot recover; the call ends with a media-failure reason. */
  FAILED,
  /** Terminal: released by {@link MediaSession#close()}. */
  CLOSED
}
