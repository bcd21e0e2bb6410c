package dev.patchbay.examples;

import dev.patchbay.internal.protocol.Frame;
import dev.patchbay.internal.protocol.FrameCodec;
import dev.patchbay.internal.protocol.Frames;

/** Shows protocol v1 frames on the wire and a typed decoding error for a bad one. */
final class CodecDemo {
  private CodecDemo() {}

  static int run(String[] args) {
    FrameCodec codec = new FrameCodec();
    Frame invite = new Frames.Invite("c-1", "bob", "v=0\r\n");
    String text = codec.encode(invite);
    System.out.println("encoded:  " + text);
    System.out.println("decoded:  " + codec.decode(text));
    try {
      codec.decode("{\"type\":\"invite\",\"callId\":\"c-1\"}");
      return 1;
    } catch (dev.patchbay.ProtocolException e) {
      System.out.println("rejected: " + e.getMessage());
      return 0;
    }
  }
}
