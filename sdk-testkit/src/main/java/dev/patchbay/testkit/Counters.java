package dev.patchbay.testkit;

import java.util.Map;

/**
 * An immutable snapshot of a {@link FakeEdge}'s counters (since start or the last reset).
 *
 * @param values every counter by name (see {@code docs/protocol.md}, "Fake edge counters")
 * @param refusalsByStatus refused upgrades and token requests by HTTP status
 */
public record Counters(Map<String, Long> values, Map<Integer, Long> refusalsByStatus) {
  /**
   * Copies both maps.
   *
   * @param values every counter by name
   * @param refusalsByStatus refusals by HTTP status
   */
  public Counters {
    values = Map.copyOf(values);
    refusalsByStatus = Map.copyOf(refusalsByStatus);
  }

  /**
   * A counter by name, 0 if it never moved.
   *
   * @param name the counter's name
   * @return the counter's value
   */
  public long get(String name) {
    return values.getOrDefault(name, 0L);
  }

  /**
   * Upgrade attempts that reached the edge (refused or not).
   *
   * @return the number of upgrade attempts
   */
  public long upgradeAttempts() {
    return get("upgradeAttempts");
  }

  /**
   * Successful WebSocket upgrades.
   *
   * @return the number of upgrades
   */
  public long upgrades() {
    return get("upgrades");
  }

  /**
   * Refused upgrades and token requests with that status (401, 403, 409, 429, 503 …).
   *
   * @param status the HTTP status
   * @return the number of refusals with {@code status}
   */
  public long refusals(int status) {
    return refusalsByStatus.getOrDefault(status, 0L);
  }

  /**
   * Requests to {@code /oauth/token}.
   *
   * @return the number of token requests
   */
  public long tokenRequests() {
    return get("tokenRequests");
  }

  /**
   * Access tokens issued.
   *
   * @return the number of access tokens issued
   */
  public long tokensIssued() {
    return get("tokensIssued");
  }

  /**
   * Calls created (invites accepted, not counting idempotent re-sends).
   *
   * @return the number of calls
   */
  public long calls() {
    return get("calls");
  }

  /**
   * Invites re-sent with a callId that already existed (idempotent no-ops).
   *
   * @return the number of duplicate invites
   */
  public long duplicateInvites() {
    return get("duplicateInvites");
  }

  /**
   * {@code error} frames with status 504 (media negotiation timed out in the queue).
   *
   * @return the number of 504 errors
   */
  public long errors504() {
    return get("errors504");
  }

  /**
   * A token presented with a {@code Patchbay-User} header of another user (403).
   *
   * @return the number of such violations
   */
  public long tokenOtherUserViolations() {
    return get("violations.tokenOtherUser");
  }

  /**
   * The same access token on two live connections (409).
   *
   * @return the number of such violations
   */
  public long tokenTwoConnectionsViolations() {
    return get("violations.tokenTwoConnections");
  }

  /**
   * A rotated-out refresh token presented again (family revoked).
   *
   * @return the number of such violations
   */
  public long refreshReuseViolations() {
    return get("violations.refreshReuse");
  }

  /**
   * Sum of all violations.
   *
   * @return the number of violations
   */
  public long violations() {
    return tokenOtherUserViolations() + tokenTwoConnectionsViolations()
        + refreshReuseViolations();
  }
}
