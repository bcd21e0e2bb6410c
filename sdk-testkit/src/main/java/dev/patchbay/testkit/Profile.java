package dev.patchbay.testkit;

/** Default settings of a {@link FakeEdge}; explicit builder settings always win. */
public enum Profile {
  /**
   * Lenient defaults for functional tests: generous caps (1,000 sockets and media slots per
   * tenant, 10 sockets per user), no rate limits, no handshake delay, 15 s negotiation timeout.
   */
  LENIENT,
  /**
   * Field-like defaults modelled on the production edge: 200 sockets and 50 media slots per
   * tenant (queue of 200), 2 sockets per user, 20 upgrades/s and 20 token requests/s per
   * tenant (bursts of 40), Retry-After 2 s, 15 s negotiation timeout (504), and slow handshakes
   * (each upgrade is delayed by a seeded random 50–500 ms).
   */
  FIELD
}
