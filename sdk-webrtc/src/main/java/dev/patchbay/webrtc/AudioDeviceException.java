package dev.patchbay.webrtc;

import dev.patchbay.PatchbayException;

/** A configured audio device (microphone) does not exist or cannot be opened. */
public class AudioDeviceException extends PatchbayException {
  private static final long serialVersionUID = 1L;

  /**
   * An audio device failure.
   *
   * @param message which device and why (the fix when there is one)
   */
  public AudioDeviceException(String message) {
    super(message);
  }
}
