package dev.patchbay.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@link Fault} and its {@link Trigger} from the admin API's form fields
 * ({@code docs/protocol.md} §4.3), and writes a firing back as JSON-ready fields.
 */
final class FaultForm {
  private FaultForm() {}

  /** The fault named by {@code fault} with its parameters. */
  static Fault fault(Map<String, String> p) {
    String kind = require(p, "fault");
    return switch (kind) {
      case "refuseUpgrade" -> new Fault.RefuseUpgrade(intOf(p, "status"),
          p.containsKey("retryAfterMs") ? Duration.ofMillis(longOf(p, "retryAfterMs")) : null);
      case "delayHandshake" -> new Fault.DelayHandshake(ms(p, "ms"));
      case "tokenEndpointStatus" -> new Fault.TokenEndpointStatus(intOf(p, "status"),
          p.get("retryAfter"));
      case "revokeEndpointStatus" -> new Fault.RevokeEndpointStatus(intOf(p, "status"),
          p.get("retryAfter"));
      case "refuseTokenRefresh" -> new Fault.RefuseTokenRefresh();
      case "drop" -> new Fault.Drop();
      case "closeWith" -> new Fault.CloseWith(intOf(p, "code"));
      case "sendClosing" -> new Fault.SendClosing(ms(p, "ms"));
      case "expireTokens" -> new Fault.ExpireTokens();
      case "withholdPongs" -> new Fault.WithholdPongs();
      case "delayFrames" -> new Fault.DelayFrames(ms(p, "ms"));
      case "stallFrames" -> new Fault.StallFrames();
      case "duplicateFrames" -> new Fault.DuplicateFrames();
      case "reorderFrames" -> new Fault.ReorderFrames();
      case "candidatesBeforeAnswer" -> new Fault.CandidatesBeforeAnswer();
      case "mediaCapacity" -> new Fault.MediaCapacity(intOf(p, "slots"));
      case "negotiationTimeout" -> new Fault.NegotiationTimeout(ms(p, "ms"));
      default -> throw new IllegalArgumentException("unknown fault " + kind);
    };
  }

  /** The trigger named by {@code trigger} (default {@code now}), narrowed by the scope fields. */
  static Trigger trigger(Map<String, String> p) {
    String on = p.getOrDefault("trigger", "now");
    Trigger t = switch (on) {
      case "now" -> Trigger.now();
      case "after" -> Trigger.after(ms(p, "delayMs"));
      case "next" -> Trigger.next(p.containsKey("times") ? intOf(p, "times") : 1);
      case "always" -> Trigger.always();
      case "inviteFrom" -> Trigger.onInviteFrom(require(p, "user"));
      case "inviteTo" -> Trigger.onInviteTo(require(p, "user"));
      case "answer" -> Trigger.onAnswer(require(p, "user"));
      case "answerOutbound" -> Trigger.onAnswerOfOutbound(require(p, "user"));
      case "answerInbound" -> Trigger.onAnswerOfInbound(require(p, "user"));
      case "answerOf" -> Trigger.onAnswerOf(require(p, "callId"));
      case "afterFrames" -> Trigger.afterFrames(require(p, "user"), intOf(p, "frames"));
      default -> throw new IllegalArgumentException("unknown trigger " + on);
    };
    if (p.containsKey("user") && (t.on() == Trigger.On.NOW || t.on() == Trigger.On.AFTER
        || t.on() == Trigger.On.NEXT)) {
      t = t.forUser(require(p, "user"));
    }
    if (p.containsKey("tenant")) {
      t = t.forTenant(require(p, "tenant"));
    }
    if (p.containsKey("times") && t.on() != Trigger.On.NEXT) {
      t = t.times(intOf(p, "times"));
    }
    return t;
  }

  /** A firing as JSON-ready fields. */
  static Map<String, Object> json(FiredFault f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", f.at().toString());
    m.put("fault", f.fault().kind());
    m.put("detail", f.fault().toString());
    m.put("trigger", f.trigger().toString());
    m.put("user", f.user());
    m.put("subject", f.subject());
    return m;
  }

  static String require(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  static int intOf(Map<String, String> p, String name) {
    try {
      return Integer.parseInt(require(p, name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, but was " + p.get(name));
    }
  }

  static long longOf(Map<String, String> p, String name) {
    try {
      return Long.parseLong(require(p, name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, but was " + p.get(name));
    }
  }

  static Duration ms(Map<String, String> p, String name) {
    return Duration.ofMillis(longOf(p, name));
  }
}
