package dev.patchbay.testkit.internal;

/** Remote parties the edge plays itself, dialled by name. */
enum BuiltInParty {
  AUTO_ANSWER("auto-answer"),
  BUSY("busy"),
  NO_ANSWER("no-answer"),
  SLOW_ANSWER("slow-answer");

  final String wireName;

  BuiltInParty(String wireName) {
    this.wireName = wireName;
  }

  static BuiltInParty byName(String name) {
    for (BuiltInParty p : values()) {
      if (p.wireName.equals(name)) {
        return p;
      }
    }
    return null;
  }
}
