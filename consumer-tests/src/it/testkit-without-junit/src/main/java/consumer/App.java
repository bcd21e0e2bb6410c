package consumer;

import dev.patchbay.testkit.FakeEdge;

/** Main code of an app that runs a fake edge (a demo, a load test): no JUnit involved. */
public final class App {
  private App() {}

  public static void main(String[] args) {
    try (FakeEdge edge = FakeEdge.builder().user("acme", "alice", "alice-secret").start()) {
      System.out.println("edge up: " + edge.uri().getScheme() + ", open sockets "
          + edge.openSockets());
    }
  }
}
