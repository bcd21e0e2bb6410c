package dev.patchbay.testkit;

import java.util.Map;

/**
 * An immutable snapshot of a {@link FakeEdge}'s counters (since start or the last reset).
 *
 * @param values every counter by name (see {@code docs/protocol.md}, "Fake edge counters")
 * @param refusalsByStatus refused upgrades and token requests by HTTP status
 */
public record Counters(Map<String, Long> values, Map<Integer, Long> refusalsByStatus) {
  public Counters {
    values = Map.copyOf(values);
    refusalsByStatus = Map.copyOf(refusalsByStatus);
  }

  /** A counter by name, 0 if it never moved. */
  public long get(String name) {
    return values.getOrDefault(name, 0L);
  }

  /** Upgrade attempts that reached the edge (refused or not). */
  public long upgradeAttempts() {
    return get("upgradeAttempts");
  }

  /** Successful WebSocket upgrades. */
  public long upgrades() {
    return get("upgrades");
  }

  /** Refused upgrades and token requests with that status (401, 403, 409, 429, 503 …). */
  public long refusals(int status) {
    return refusalsByStatus.getOrDefault(status, 0L);
  }

  /** Requests to {@code /oauth/token}. */
  public long tokenRequests() {
    return get("tokenRequests");
  }

  /** Access tokens issued. */
  public long tokensIssued() {
    return get("tokensIssued");
  }

  /** Calls created (invites accepted, not counting idempotent re-sends). */
  public long calls() {
    return get("calls");
  }

  /** Invites re-sent with a callId that already existed (idempotent no-ops). */
  public long duplicateInvites() {
    return get("duplicateInvites");
  }

  /** {@code error} frames with status 504 (media negotiation timed out in the queue). */
  public long errors504() {
    return get("errors504");
  }

  /** A token presented with a {@code Patchbay-User} header of another user (403). */
  public long tokenOtherUserViolations() {
    return get("violations.tokenOtherUser");
  }

  /** The same access token on two live connections (409). */
  public long tokenTwoConnectionsViolations() {
    return get("violations.tokenTwoConnections");
  }

  /** A rotated-out refresh token presented again (family revoked). */
  public long refreshReuseViolations() {
    return get("violations.refreshReuse");
  }

  /** Sum of all violations. */
  public long violations() {
    return tokenOtherUserViolations() + tokenTwoConnectionsViolations()
        + refreshReuseViolations();
  }
}
