package dev.patchbay.internal.media;

import dev.patchbay.internal.Errors;
import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngineProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Deterministic engine selection: exactly one {@link MediaEngineProvider} must be on the
 * classpath; zero or several fail with a message that names the fix.
 */
public final class MediaEngineLoader {
  private MediaEngineLoader() {}

  public static MediaEngine load(ClassLoader loader) {
    List<MediaEngineProvider> found = new ArrayList<>();
    for (MediaEngineProvider p : ServiceLoader.load(MediaEngineProvider.class, loader)) {
      found.add(p);
    }
    return select(found);
  }

  static MediaEngine select(List<MediaEngineProvider> found) {
    if (found.isEmpty()) {
      throw Errors.patchbay("No MediaEngine: none was configured and no "
          + MediaEngineProvider.class.getName() + " is on the classpath. Add "
          + "dev.patchbay:patchbay-webrtc for audio, or call Patchbay.builder().mediaEngine("
          + "MediaEngines.signalingOnly()) for signaling without media.");
    }
    if (found.size() > 1) {
      List<String> names = new ArrayList<>();
      for (MediaEngineProvider p : found) {
        names.add(p.name() + " (" + p.getClass().getName() + ")");
      }
      throw Errors.patchbay("Several MediaEngineProviders are on the classpath: " + names
          + ". Remove all but one, or pass the engine you want to "
          + "Patchbay.builder().mediaEngine(...).");
    }
    MediaEngine engine = found.get(0).create();
    if (engine == null) {
      throw Errors.patchbay("MediaEngineProvider " + found.get(0).getClass().getName()
          + " returned null from create()");
    }
    return engine;
  }
}
