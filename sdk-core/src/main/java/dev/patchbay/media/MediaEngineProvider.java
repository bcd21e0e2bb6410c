package dev.patchbay.media;

/**
 * Service-provider interface for {@link java.util.ServiceLoader}: a media module registers one
 * in {@code META-INF/services/dev.patchbay.media.MediaEngineProvider}. The SDK uses an explicitly
 * configured engine first; otherwise exactly one provider must be present.
 */
public interface MediaEngineProvider {
  /**
   * The engine's name, as {@link MediaEngine#name()} reports it.
   *
   * @return the engine's name
   */
  String name();

  /**
   * A new engine with default settings.
   *
   * @return the new engine
   */
  MediaEngine create();
}
