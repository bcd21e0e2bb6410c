package dev.patchbay.internal.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One JSON text frame of edge protocol v1 ({@code docs/protocol.md}). The one model shared by
 * the SDK and the fake edge; {@link FrameCodec} is the only place that turns frames into text
 * and back. Records validate their required fields, so a decoded frame is always well formed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Frames.Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = Frames.Invite.class, name = "invite"),
  @JsonSubTypes.Type(value = Frames.Ringing.class, name = "ringing"),
  @JsonSubTypes.Type(value = Frames.Answer.class, name = "answer"),
  @JsonSubTypes.Type(value = Frames.Incoming.class, name = "incoming"),
  @JsonSubTypes.Type(value = Frames.Reject.class, name = "reject"),
  @JsonSubTypes.Type(value = Frames.Cancel.class, name = "cancel"),
  @JsonSubTypes.Type(value = Frames.Candidate.class, name = "candidate"),
  @JsonSubTypes.Type(value = Frames.Offer.class, name = "offer"),
  @JsonSubTypes.Type(value = Frames.Bye.class, name = "bye"),
  @JsonSubTypes.Type(value = Frames.Ended.class, name = "ended"),
  @JsonSubTypes.Type(value = Frames.Reauth.class, name = "reauth"),
  @JsonSubTypes.Type(value = Frames.Resume.class, name = "resume"),
  @JsonSubTypes.Type(value = Frames.Logout.class, name = "logout"),
  @JsonSubTypes.Type(value = Frames.Resumed.class, name = "resumed"),
  @JsonSubTypes.Type(value = Frames.Closing.class, name = "closing"),
  @JsonSubTypes.Type(value = Frames.Error.class, name = "error"),
})
public sealed interface Frame
    permits Frames.Hello, Frames.Invite, Frames.Ringing, Frames.Answer, Frames.Incoming,
        Frames.Reject, Frames.Cancel, Frames.Candidate, Frames.Offer, Frames.Bye, Frames.Ended,
        Frames.Reauth, Frames.Resume, Frames.Logout, Frames.Resumed, Frames.Closing,
        Frames.Error {

  /** The call this frame belongs to, or null for connection-level frames. */
  @JsonIgnore
  default String callIdOrNull() {
    return null;
  }

  /** The wire name ({@code "type"}) of this frame. */
  @JsonIgnore
  default String type() {
    return FrameCodec.typeName(getClass());
  }
}
