package dev.patchbay.testkit;

import dev.patchbay.testkit.internal.EdgeModel;
import dev.patchbay.testkit.internal.FaultState;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Field failures on demand. A fault is an immutable {@link Fault} value armed with a
 * {@link Trigger} ({@link #arm(Fault, Trigger)}); arming is additive, and every firing is logged
 * and kept ({@link #fired()}). The other methods are shorthands for common arms and take effect
 * at once. {@link #clear()} disarms everything. Random decisions (reordering, FIELD handshake
 * delays) come from the edge's seed, so a failing run can be replayed with the same seed.
 *
 * <pre>{@code
 * edge.faults().arm(new Fault.Drop(), Trigger.onAnswerOfOutbound("alice"));
 * edge.faults().arm(new Fault.SendClosing(Duration.ofSeconds(5)), Trigger.onInviteTo("bob"));
 * edge.faults().arm(new Fault.MediaCapacity(0), Trigger.now().forTenant("acme"));
 * }</pre>
 */
public final class Faults {
  private final FaultState state;
  private final EdgeModel model;

  Faults(FaultState state, EdgeModel model) {
    this.state = state;
    this.model = model;
  }

  /**
   * Arms {@code fault} to fire on {@code trigger} (in addition to what is armed already).
   *
   * @param fault what happens
   * @param trigger when, and to whom
   * @return these faults
   */
  public Faults arm(Fault fault, Trigger trigger) {
    state.arm(Objects.requireNonNull(fault, "fault"), Objects.requireNonNull(trigger, "trigger"));
    return this;
  }

  /**
   * Every firing since the edge started or was cleared (the newest 1,024), oldest first.
   * Endpoint faults armed for every request ({@link Trigger#always()}) and handshake delays are
   * counted ({@code faultsFired}) but not kept one by one.
   *
   * @return the firings
   */
  public List<FiredFault> fired() {
    return state.fired();
  }

  /**
   * Refuses the next {@code count} upgrades with {@code status} and Retry-After (may be null).
   *
   * @param status the refusal status
   * @param retryAfter the Retry-After delay, or null
   * @param count how many upgrades to refuse
   * @return these faults
   */
  public Faults refuseUpgrades(int status, Duration retryAfter, int count) {
    return arm(new Fault.RefuseUpgrade(status, retryAfter), Trigger.next(count));
  }

  /**
   * Delays every upgrade by {@code delay} before it is checked and answered (replacing an
   * earlier {@code delayHandshake}; zero ends it).
   *
   * @param delay the delay
   * @return these faults
   */
  public Faults delayHandshake(Duration delay) {
    state.disarm(Fault.DelayHandshake.class);
    return delay.isZero() ? this : arm(new Fault.DelayHandshake(delay), Trigger.always());
  }

  /**
   * The edge stops answering the user's WebSocket pings with pongs.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults withholdPongs(String user) {
    return arm(new Fault.WithholdPongs(), Trigger.now().forUser(user));
  }

  /**
   * Drops (no close frame) the user's socket once {@code frames} more frames have passed.
   *
   * @param user the user id
   * @param frames how many more frames pass first
   * @return these faults
   */
  public Faults dropAfterFrames(String user, int frames) {
    if (frames <= 0) {
      throw new IllegalArgumentException("frames must be > 0, but was " + frames);
    }
    return arm(new Fault.Drop(), Trigger.afterFrames(user, frames));
  }

  /**
   * Cuts the user's live sockets now, without a close frame (an abrupt 1006 at the client).
   *
   * @param user the user id
   * @return these faults
   */
  public Faults drop(String user) {
    return arm(new Fault.Drop(), Trigger.now().forUser(user));
  }

  /**
   * Drops the user's socket right after their next call becomes active, placed or answered
   * (mid-call loss). For one direction only, arm {@link Fault.Drop} with
   * {@link Trigger#onAnswerOfOutbound} or {@link Trigger#onAnswerOfInbound}.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults dropOnAnswer(String user) {
    return arm(new Fault.Drop(), Trigger.onAnswer(user));
  }

  /**
   * Delays every edge→user frame by {@code delay} (order kept).
   *
   * @param user the user id
   * @param delay the delay of each frame
   * @return these faults
   */
  public Faults delayFrames(String user, Duration delay) {
    return arm(new Fault.DelayFrames(delay), Trigger.now().forUser(user));
  }

  /**
   * Holds every edge→user frame until {@link #releaseFrames(String)}.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults stallFrames(String user) {
    return arm(new Fault.StallFrames(), Trigger.now().forUser(user));
  }

  /**
   * Ends a stall and delivers the held frames in order.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults releaseFrames(String user) {
    model.releaseStalled(Objects.requireNonNull(user, "user"));
    return this;
  }

  /**
   * Sends {@code closing} to the user's live sockets and closes them (1001) after the window.
   *
   * @param user the user id
   * @param reconnectWithinMs the reconnect window announced in {@code closing}, in milliseconds
   * @return these faults
   */
  public Faults sendClosing(String user, long reconnectWithinMs) {
    return arm(new Fault.SendClosing(Duration.ofMillis(reconnectWithinMs)),
        Trigger.now().forUser(user));
  }

  /**
   * Closes the user's live sockets now with {@code code} (a code that may be sent on the wire:
   * 1000–1003, 1007–1014 or 3000–4999; use {@link #dropAfterFrames} for an abrupt 1006).
   *
   * @param user the user id
   * @param code the close code
   * @return these faults
   */
  public Faults closeWith(String user, int code) {
    return arm(new Fault.CloseWith(code), Trigger.now().forUser(user));
  }

  /**
   * Answers the next {@code count} token requests with {@code status} and the raw
   * {@code Retry-After} value (seconds or an HTTP-date; null for none).
   *
   * @param status the status to answer with
   * @param retryAfter the raw Retry-After value, or null
   * @param count how many requests to answer so
   * @return these faults
   */
  public Faults tokenEndpointStatus(int status, String retryAfter, int count) {
    return arm(new Fault.TokenEndpointStatus(status, retryAfter), Trigger.next(count));
  }

  /**
   * Answers the next {@code count} revocation requests with {@code status} and the raw
   * {@code Retry-After} value (null for none): e.g. 503, the token still lives.
   *
   * @param status the status to answer with
   * @param retryAfter the raw Retry-After value, or null
   * @param count how many requests to answer so
   * @return these faults
   */
  public Faults revokeEndpointStatus(int status, String retryAfter, int count) {
    return arm(new Fault.RevokeEndpointStatus(status, retryAfter), Trigger.next(count));
  }

  /**
   * Sends {@code text} as one text frame, unchanged, to the user's live sockets: malformed,
   * oversized, unknown-type or field-missing frames for robustness tests. Returns how many
   * sockets got it.
   *
   * @param user the user id
   * @param text the frame's text, sent as it is
   * @return the number of sockets the frame was sent to
   */
  public int sendRawText(String user, String text) {
    return model.sendRaw(user, Objects.requireNonNull(text, "text"));
  }

  /**
   * Refresh-token grants fail with {@code invalid_grant} while on.
   *
   * @param on true to refuse refreshes
   * @return these faults
   */
  public Faults refuseTokenRefresh(boolean on) {
    return toggle(new Fault.RefuseTokenRefresh(), on, Trigger.always());
  }

  /**
   * Callers get the callee's candidates before the answer, for every call (built-in parties
   * and users alike); {@link Fault.CandidatesBeforeAnswer} with a scope narrows it.
   *
   * @param on true for candidates first
   * @return these faults
   */
  public Faults candidatesBeforeAnswer(boolean on) {
    return toggle(new Fault.CandidatesBeforeAnswer(), on, Trigger.now());
  }

  /**
   * Every edge→client call frame is sent twice.
   *
   * @param on true to duplicate
   * @return these faults
   */
  public Faults duplicateFrames(boolean on) {
    return toggle(new Fault.DuplicateFrames(), on, Trigger.now());
  }

  /**
   * Edge→client call frames are swapped with the next one at (seeded) random.
   *
   * @param on true to reorder
   * @return these faults
   */
  public Faults reorderFrames(boolean on) {
    return toggle(new Fault.ReorderFrames(), on, Trigger.now());
  }

  /**
   * Expires every access token of the user now: their sockets close with 4001.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults expireTokens(String user) {
    return arm(new Fault.ExpireTokens(), Trigger.now().forUser(user));
  }

  /**
   * Disarms every fault (releasing stalled frames, restoring tenant limits faults changed),
   * forgets the firings and re-seeds the fault randomness.
   *
   * @return these faults
   */
  public Faults clear() {
    model.clearFaults();
    return this;
  }

  private Faults toggle(Fault fault, boolean on, Trigger trigger) {
    state.disarm(fault.getClass());
    return on ? arm(fault, trigger) : this;
  }
}
