package dev.patchbay.testkit;

import dev.patchbay.testkit.internal.EdgeModel;
import dev.patchbay.testkit.internal.FaultState;
import dev.patchbay.testkit.internal.TokenStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Field failures on demand. Every method takes effect at once and returns {@code this};
 * {@link #clear()} disarms everything. Random decisions (reordering, FIELD handshake delays)
 * come from the edge's seed, so a failing run can be replayed with the same seed.
 */
public final class Faults {
  private final FaultState state;
  private final EdgeModel model;
  private final TokenStore tokens;

  Faults(FaultState state, EdgeModel model, TokenStore tokens) {
    this.state = state;
    this.model = model;
    this.tokens = tokens;
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
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 4xx or 5xx, but was " + status);
    }
    state.refuseUpgrades = new FaultState.Refusal(status, retryAfter, new AtomicInteger(count));
    return this;
  }

  /**
   * Delays every upgrade by {@code delay} before it is checked and answered.
   *
   * @param delay the delay
   * @return these faults
   */
  public Faults delayHandshake(Duration delay) {
    state.handshakeDelay = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /**
   * The edge stops answering the user's WebSocket pings with pongs.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults withholdPongs(String user) {
    state.withholdPongs.put(user, true);
    return this;
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
    state.dropAfterFrames.put(user, new AtomicInteger(frames));
    return this;
  }

  /**
   * Cuts the user's live sockets now, without a close frame (an abrupt 1006 at the client).
   *
   * @param user the user id
   * @return these faults
   */
  public Faults drop(String user) {
    model.drop(Objects.requireNonNull(user, "user"));
    return this;
  }

  /**
   * Drops the user's socket right after their next call becomes active (mid-call loss).
   *
   * @param user the user id
   * @return these faults
   */
  public Faults dropOnAnswer(String user) {
    state.dropOnAnswer.put(user, true);
    return this;
  }

  /**
   * Delays every edge→user frame by {@code delay} (order kept).
   *
   * @param user the user id
   * @param delay the delay of each frame
   * @return these faults
   */
  public Faults delayFrames(String user, Duration delay) {
    state.delayFrames.put(user, Objects.requireNonNull(delay, "delay"));
    return this;
  }

  /**
   * Holds every edge→user frame until {@link #releaseFrames(String)}.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults stallFrames(String user) {
    state.stallFrames.put(user, true);
    return this;
  }

  /**
   * Ends a stall and delivers the held frames in order.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults releaseFrames(String user) {
    state.stallFrames.remove(user);
    model.releaseStalled(user);
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
    model.sendClosing(user, Duration.ofMillis(reconnectWithinMs), "maintenance");
    return this;
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
    boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
    if (!sendable) {
      throw new IllegalArgumentException("code must be a sendable close code (1000-1003, "
          + "1007-1014, 3000-4999), but was " + code);
    }
    model.closeWith(user, code, "scripted close");
    return this;
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
    state.tokenStatus = new FaultState.TokenStatus(status, retryAfter, new AtomicInteger(count));
    return this;
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
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 4xx or 5xx, but was " + status);
    }
    state.revokeStatus = new FaultState.TokenStatus(status, retryAfter, new AtomicInteger(count));
    return this;
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
    state.refuseTokenRefresh = on;
    return this;
  }

  /**
   * Built-in parties send their candidates before their answer.
   *
   * @param on true for candidates first
   * @return these faults
   */
  public Faults candidatesBeforeAnswer(boolean on) {
    state.candidatesBeforeAnswer = on;
    return this;
  }

  /**
   * Every edge→client call frame is sent twice.
   *
   * @param on true to duplicate
   * @return these faults
   */
  public Faults duplicateFrames(boolean on) {
    state.duplicateFrames = on;
    return this;
  }

  /**
   * Edge→client call frames are swapped with the next one at (seeded) random.
   *
   * @param on true to reorder
   * @return these faults
   */
  public Faults reorderFrames(boolean on) {
    state.reorderFrames = on;
    return this;
  }

  /**
   * Expires every access token of the user now: their sockets close with 4001.
   *
   * @param user the user id
   * @return these faults
   */
  public Faults expireTokens(String user) {
    tokens.expireUser(user);
    model.recheckExpiry(user);
    return this;
  }

  /**
   * Disarms every fault (releasing stalled frames) and re-seeds the fault randomness.
   *
   * @return these faults
   */
  public Faults clear() {
    var stalled = java.util.List.copyOf(state.stallFrames.keySet());
    state.clear();
    stalled.forEach(model::releaseStalled);
    return this;
  }
}
