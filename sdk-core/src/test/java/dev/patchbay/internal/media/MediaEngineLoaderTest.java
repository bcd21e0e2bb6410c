package dev.patchbay.internal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchbay.media.MediaEngine;
import dev.patchbay.media.MediaEngineProvider;
import dev.patchbay.media.MediaEngines;
import dev.patchbay.PatchbayException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaEngineLoaderTest {
  record Provider(String name) implements MediaEngineProvider {
    @Override
    public MediaEngine create() {
      return MediaEngines.signalingOnly();
    }
  }

  @Test
  void noProviderFailsNamingBothFixes() {
    assertThatThrownBy(() -> MediaEngineLoader.select(List.of()))
        .isInstanceOf(PatchbayException.class)
        .hasMessageContaining("patchbay-webrtc")
        .hasMessageContaining("MediaEngines.signalingOnly()");
  }

  @Test
  void severalProvidersFailNamingEachOfThem() {
    assertThatThrownBy(() -> MediaEngineLoader.select(List.of(new Provider("a"), new Provider("b"))))
        .isInstanceOf(PatchbayException.class)
        .hasMessageContaining("a (")
        .hasMessageContaining("b (")
        .hasMessageContaining("mediaEngine(");
  }

  @Test
  void exactlyOneProviderIsUsed() {
    try (MediaEngine e = MediaEngineLoader.select(List.of(new Provider("x")))) {
      assertThat(e.name()).isEqualTo("signaling-only");
    }
  }

  @Test
  void coreAloneRegistersNoProvider() {
    assertThatThrownBy(() -> MediaEngineLoader.load(getClass().getClassLoader()))
        .hasMessageContaining("No MediaEngine");
  }
}
