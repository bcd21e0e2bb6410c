package dev.patchbay;

/**
 * Media for calls: turns signaling into connected audio (or, for the signaling-only engine,
 * into valid SDP without native media). Implementations are found through
 * {@link MediaEngineProvider} unless the app passes one to the builder.
 *
 * <p>An engine is thread-safe. {@link #close()} closes every open session and releases every
 * native object; afterwards {@link #liveNativeObjects()} is 0.
 */
public interface MediaEngine extends AutoCloseable {

  /** A short name for logs and diagnostics, such as {@code "webrtc"}. */
  String name();

  /**
   * Creates the media session of one call.
   *
   * @throws ClosedException when the engine is closed
   */
  MediaSession createSession(String callId, IcePolicy policy, MediaSession.Listener listener);

  /** Sessions created and not yet closed. */
  int openSessions();

  /** Native objects (peer connections, tracks, sources, factories) still alive; 0 for Java-only engines. */
  default long liveNativeObjects() {
    return 0;
  }

  @Override
  void close();
}
