package dev.patchbay.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * When an armed {@link Fault} fires, and on what. Immutable; built with the static factories
 * and narrowed with {@link #forUser(String)}, {@link #forTenant(String)} and
 * {@link #times(int)}.
 *
 * <p>What a firing acts on (its <em>subject</em>): for {@link On#NOW} and {@link On#AFTER}, the
 * live sockets of the scope (the user, else the tenant, else every socket); for the event
 * triggers, the socket the event happened on: the new socket ({@link On#NEXT}), the inviting
 * socket ({@link On#INVITE_FROM}, {@link On#INVITE_TO}), the caller's socket
 * ({@link On#ANSWER_OUTBOUND}, {@link On#ANSWER_OF_CALL}), the callee's
 * ({@link On#ANSWER_INBOUND}), the user's ({@link On#ANSWER}), or the socket whose frame reached the count
 * ({@link On#AFTER_FRAMES}). Endpoint faults are armed by the firing and then answer the next
 * {@link #times()} requests of their endpoint within the scope.
 *
 * @param on the kind of trigger
 * @param user the user the trigger watches or is scoped to, or null for any
 * @param tenant the tenant the trigger is scoped to, or null for any
 * @param callId the call id of {@link On#ANSWER_OF_CALL}, else null
 * @param frames the frame count of {@link On#AFTER_FRAMES}, else 0
 * @param delay the delay of {@link On#AFTER}, else null
 * @param times how many times the fault fires (endpoint faults: how many requests it answers)
 */
public record Trigger(On on, String user, String tenant, String callId, int frames,
    Duration delay, int times) {

  /** The kinds of triggers. */
  public enum On {
    /** At once. */
    NOW,
    /** Once the delay has passed. */
    AFTER,
    /** The next {@code times} sockets (or endpoint requests) of the scope. */
    NEXT,
    /** The next invite the user sends. */
    INVITE_FROM,
    /** The next invite to the user. */
    INVITE_TO,
    /** The user's next call (placed or received) becomes active. */
    ANSWER,
    /** The next call the user placed is answered. */
    ANSWER_OUTBOUND,
    /** The user answers their next incoming call. */
    ANSWER_INBOUND,
    /** The call with this id is answered. */
    ANSWER_OF_CALL,
    /** Once this many more frames (both directions) passed on the user's sockets. */
    AFTER_FRAMES
  }

  /**
   * Validates.
   *
   * @param on see the record
   * @param user see the record
   * @param tenant see the record
   * @param callId see the record
   * @param frames see the record
   * @param delay see the record
   * @param times see the record
   */
  public Trigger {
    Objects.requireNonNull(on, "on");
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, but was " + times);
    }
    switch (on) {
      case INVITE_FROM, INVITE_TO, ANSWER, ANSWER_OUTBOUND, ANSWER_INBOUND ->
          requireUser(on, user);
      case AFTER_FRAMES -> {
        requireUser(on, user);
        if (frames < 1) {
          throw new IllegalArgumentException("frames must be >= 1, but was " + frames);
        }
      }
      case ANSWER_OF_CALL -> Objects.requireNonNull(callId, "callId");
      case AFTER -> {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
          throw new IllegalArgumentException("delay must be >= 0, but was " + delay);
        }
      }
      default -> { }
    }
  }

  /**
   * Fires at once.
   *
   * @return the trigger
   */
  public static Trigger now() {
    return new Trigger(On.NOW, null, null, null, 0, null, 1);
  }

  /**
   * Fires once {@code delay} has passed.
   *
   * @param delay the delay
   * @return the trigger
   */
  public static Trigger after(Duration delay) {
    return new Trigger(On.AFTER, null, null, null, 0, delay, 1);
  }

  /**
   * Fires for the next {@code count} sockets of the scope (endpoint faults: the next
   * {@code count} requests of their endpoint).
   *
   * @param count how many
   * @return the trigger
   */
  public static Trigger next(int count) {
    return new Trigger(On.NEXT, null, null, null, 0, null, count);
  }

  /**
   * Fires for every socket (or request) of the scope until {@link Faults#clear()}.
   *
   * @return the trigger
   */
  public static Trigger always() {
    return next(Integer.MAX_VALUE);
  }

  /**
   * Fires when {@code user} sends their next invite.
   *
   * @param user the caller
   * @return the trigger
   */
  public static Trigger onInviteFrom(String user) {
    return new Trigger(On.INVITE_FROM, user, null, null, 0, null, 1);
  }

  /**
   * Fires on the next invite to {@code user}.
   *
   * @param user the callee
   * @return the trigger
   */
  public static Trigger onInviteTo(String user) {
    return new Trigger(On.INVITE_TO, user, null, null, 0, null, 1);
  }

  /**
   * Fires when the user's next call becomes active, whichever side placed it.
   *
   * @param user the user
   * @return the trigger
   */
  public static Trigger onAnswer(String user) {
    return new Trigger(On.ANSWER, user, null, null, 0, null, 1);
  }

  /**
   * Fires when the next call {@code user} placed is answered (outbound calls only).
   *
   * @param user the caller
   * @return the trigger
   */
  public static Trigger onAnswerOfOutbound(String user) {
    return new Trigger(On.ANSWER_OUTBOUND, user, null, null, 0, null, 1);
  }

  /**
   * Fires when {@code user} answers their next incoming call (inbound calls only).
   *
   * @param user the callee
   * @return the trigger
   */
  public static Trigger onAnswerOfInbound(String user) {
    return new Trigger(On.ANSWER_INBOUND, user, null, null, 0, null, 1);
  }

  /**
   * Fires when the call {@code callId} is answered.
   *
   * @param callId the call id
   * @return the trigger
   */
  public static Trigger onAnswerOf(String callId) {
    return new Trigger(On.ANSWER_OF_CALL, null, null, callId, 0, null, 1);
  }

  /**
   * Fires once {@code frames} more frames (both directions) passed on {@code user}'s sockets.
   *
   * @param user the user
   * @param frames how many frames pass first
   * @return the trigger
   */
  public static Trigger afterFrames(String user, int frames) {
    return new Trigger(On.AFTER_FRAMES, user, null, null, frames, null, 1);
  }

  /**
   * This trigger limited to {@code user}'s sockets and requests.
   *
   * @param user the user id
   * @return the narrowed trigger
   */
  public Trigger forUser(String user) {
    return new Trigger(on, Objects.requireNonNull(user, "user"), tenant, callId, frames, delay,
        times);
  }

  /**
   * This trigger limited to {@code tenant}'s sockets and requests.
   *
   * @param tenant the tenant id
   * @return the narrowed trigger
   */
  public Trigger forTenant(String tenant) {
    return new Trigger(on, user, Objects.requireNonNull(tenant, "tenant"), callId, frames, delay,
        times);
  }

  /**
   * This trigger firing {@code count} times (e.g. the next {@code count} invites).
   *
   * @param count how many times
   * @return the changed trigger
   */
  public Trigger times(int count) {
    return new Trigger(on, user, tenant, callId, frames, delay, count);
  }

  private static void requireUser(On on, String user) {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException(on + " needs a user");
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(on.name().toLowerCase(java.util.Locale.ROOT));
    if (user != null) {
      b.append(" user=").append(user);
    }
    if (tenant != null) {
      b.append(" tenant=").append(tenant);
    }
    if (callId != null) {
      b.append(" callId=").append(callId);
    }
    if (on == On.AFTER_FRAMES) {
      b.append(" frames=").append(frames);
    }
    if (delay != null) {
      b.append(" delay=").append(delay.toMillis()).append("ms");
    }
    if (times != 1) {
      b.append(" times=").append(times == Integer.MAX_VALUE ? "always" : times);
    }
    return b.toString();
  }
}
