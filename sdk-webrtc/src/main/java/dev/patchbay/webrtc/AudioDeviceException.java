package dev.patchbay.webrtc;

import dev.patchbay.PatchbayException;

/** A configured audio device (microphone) does not exist or cannot be opened. */
public final class AudioDeviceException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /** Not public API: the engine creates it (its constructor is not part of the contract). */
  AudioDeviceException(String message) {
    super(message);
  }
}
