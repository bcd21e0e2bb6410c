package dev.patchbay;

/** Why a {@link Call} reached a terminal {@link CallState}. */
public enum EndReason {
  /** This side hung up. */
  LOCAL_HANGUP,
  /** The other side hung up. */
  REMOTE_HANGUP,
  /** This side rejected an incoming call. */
  REJECTED,
  /** The callee declined (edge status 603 or another 6xx). */
  DECLINED,
  /** The callee is busy (486). */
  BUSY,
  /** The callee did not answer (480, 408). */
  NO_ANSWER,
  /** The edge retracted an incoming call before it was answered. */
  CANCELLED,
  /** The edge could not allocate media in time (504) or had no capacity (503), after retries. */
  MEDIA_UNAVAILABLE,
  /** Media could not connect or was lost for good. */
  MEDIA_FAILED,
  /** A phase of the call (invite, ringing, media, hang-up) ran past its deadline. */
  TIMEOUT,
  /** The signaling connection was lost and the call could not be resumed. */
  CONNECTION_LOST,
  /** The user agent (or the whole SDK) was closed. */
  CLOSED,
  /** The edge reported another error; see {@link Call#failure()}. */
  EDGE_ERROR
}
