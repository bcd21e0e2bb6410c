package dev.patchbay;

/** Connectivity of a call's media, as its {@link MediaSession} reports it. */
public enum MediaState {
  NEW,
  CONNECTING,
  CONNECTED,
  /** Connectivity lost; the engine may still recover (ICE restart). */
  DISCONNECTED,
  /** Terminal: the media cannot recover; the call ends with a media-failure reason. */
  FAILED,
  /** Terminal: released by {@link MediaSession#close()}. */
  CLOSED
}
