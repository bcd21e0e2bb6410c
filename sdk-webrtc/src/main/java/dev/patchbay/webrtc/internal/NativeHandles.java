package dev.patchbay.webrtc.internal;

import dev.onvoid.webrtc.internal.NativeObject;
import dev.onvoid.webrtc.internal.RefCountedObject;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mitigation for the webrtc-java 0.14.0 peer connection leak: {@code RTCPeerConnection.close()}
 * closes the native peer connection but never drops the reference the Java wrapper holds, so
 * every call leaks the whole native peer connection (transports, channels, buffers). We read
 * the native handle before {@code close()} and drop that one reference afterwards through the
 * library's own generic {@code RefCountedObject.release()}.
 *
 * <p>Only ever called once per peer connection, after {@code close()}, on the media thread. If
 * the handle field cannot be read (a different library version), the mitigation switches
 * itself off and the leak stays (measured and documented in the README). The system property
 * {@code patchbay.webrtc.pcLeakMitigation=false} switches it off on purpose (to measure it).
 */
public final class NativeHandles {
  private static final Logger log = LoggerFactory.getLogger(NativeHandles.class);
  private static final Field HANDLE = handleField();

  private NativeHandles() {}

  /** True when the peer connection leak mitigation is active. */
  public static boolean available() {
    return HANDLE != null;
  }

  /** The native pointer behind {@code object}, or 0 when unknown. */
  public static long handleOf(NativeObject object) {
    if (HANDLE == null || object == null) {
      return 0;
    }
    try {
      return HANDLE.getLong(object);
    } catch (IllegalAccessException e) {
      return 0;
    }
  }

  /** Drops one native reference held through {@code handle}; no-op for 0. */
  public static void releaseReference(long handle) {
    if (HANDLE == null || handle == 0) {
      return;
    }
    try {
      Reference ref = new Reference();
      HANDLE.setLong(ref, handle);
      ref.release();
    } catch (IllegalAccessException | RuntimeException e) {
      log.warn("could not release native reference", e);
    }
  }

  private static Field handleField() {
    if (!Boolean.parseBoolean(System.getProperty("patchbay.webrtc.pcLeakMitigation", "true"))) {
      LoggerFactory.getLogger(NativeHandles.class)
          .warn("webrtc-java peer connection leak mitigation disabled by system property");
      return null;
    }
    try {
      Field f = NativeObject.class.getDeclaredField("nativeHandle");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(NativeHandles.class)
          .warn("webrtc-java peer connection leak mitigation unavailable: {}", e.toString());
      return null;
    }
  }

  /** A bare handle holder whose inherited native {@code release()} drops one reference. */
  private static final class Reference extends RefCountedObject {}
}
