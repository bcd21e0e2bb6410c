package dev.patchbay;

import java.util.Objects;

/**
 * How an incoming call is declined: a SIP-style final status (4xx to 6xx) and a short reason.
 *
 * @param code the status, 400 to 699
 * @param reason a short reason for the caller; never put secrets in it
 */
public record RejectStatus(int code, String reason) {
  /** 486: the callee is busy. */
  public static final RejectStatus BUSY = new RejectStatus(486, "busy");
  /** 603: the callee declines (what {@link IncomingCall#reject()} sends). */
  public static final RejectStatus DECLINED = new RejectStatus(603, "declined");

  /**
   * Checks the status.
   *
   * @param code the status, 400 to 699
   * @param reason a short reason for the caller; never put secrets in it
   * @throws IllegalArgumentException when the code is outside 400-699
   */
  public RejectStatus {
    if (code < 400 || code > 699) {
      throw new IllegalArgumentException("status must be 400-699, but was " + code);
    }
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * A status of the app's choosing.
   *
   * @param code the status, 400 to 699
   * @param reason a short reason for the caller; never put secrets in it
   * @return the status
   */
  public static RejectStatus of(int code, String reason) {
    return new RejectStatus(code, reason);
  }
}
