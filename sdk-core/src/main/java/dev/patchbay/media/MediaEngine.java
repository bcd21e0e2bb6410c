package dev.patchbay.media;

import dev.patchbay.ClosedException;
import dev.patchbay.IcePolicy;

/**
 * Media for calls: turns signaling into connected audio (or, for the signaling-only engine,
 * into valid SDP without native media). Implementations are found through
 * {@link MediaEngineProvider} unless the app passes one to the builder.
 *
 * <p>An engine is thread-safe. {@link #close()} closes every open session and releases every
 * native object; afterwards {@link #liveNativeObjects()} is 0.
 */
public interface MediaEngine extends AutoCloseable {

  /**
   * A short name for logs and diagnostics, such as {@code "webrtc"}.
   *
   * @return the engine's name
   */
  String name();

  /**
   * Creates the media session of one call.
   *
   * @param callId the call the session belongs to
   * @param policy the ICE policy of the call (the edge's ICE servers already in front)
   * @param listener where the session reports candidates and state
   * @return the new session
   * @throws ClosedException when the engine is closed
   */
  MediaSession createSession(String callId, IcePolicy policy, MediaSession.Listener listener);

  /**
   * Sessions created and not yet closed.
   *
   * @return the number of open sessions
   */
  int openSessions();

  /**
   * Native objects (peer connections, tracks, sources, factories) still alive; 0 for Java-only
   * engines.
   *
   * @return the number of live native objects
   */
  default long liveNativeObjects() {
    return 0;
  }

  @Override
  void close();
}
