package dev.patchbay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.testing.ConfigNaming;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One naming scheme for config objects: a public type makes itself through {@code builder()} and
 * {@code defaults()} only (never {@code of}, {@code custom}, {@code ofDefaults}, {@code create},
 * ...), and a type with a {@code builder()} has a {@code toBuilder()}. Value types whose
 * factories name what they make, and resources that are not config, are listed with a reason.
 * Interfaces (callbacks and SPIs such as {@code TokenProvider.fromBlocking}) and enums are not
 * config objects and are not scanned.
 */
class ConfigNamingTest {
  /** Value types whose factories are named for what they make (not config objects). */
  static final Map<Class<?>, String> VALUE_TYPES = Map.of(
      Credentials.class, "one factory per OAuth grant (clientCredentials, refreshToken, ...)",
      IceServer.class, "stun(url) / turn(url, user, credential): the kind of server",
      RejectStatus.class, "of(code, reason): a status code and its reason phrase",
      dev.patchbay.media.SessionDescription.class, "offer(sdp) / answer(sdp): the SDP's role");

  /** Types with a builder that are resources, not config values: no toBuilder(). */
  static final Map<Class<?>, String> RESOURCES = Map.of(
      Patchbay.class, "the SDK instance (threads, sockets): built once, closed once",
      AuthorizationCodeFlow.class, "one login: single use, holds its state and verifier");

  @Test
  void publicTypesFollowTheScheme() throws Exception {
    List<Class<?>> api = PublicApiTest.publicApiClasses();
    assertThat(api).as("the scan finds the config types").contains(RetryPolicy.class,
        IcePolicy.class, UserAgentOptions.class, TenantLimits.class);
    assertThat(ConfigNaming.violations(api, VALUE_TYPES, RESOURCES)).isEmpty();
  }

  @Test
  void theScanReportsFactoriesOutsideTheScheme() {
    assertThat(ConfigNaming.violations(List.of(OldStyle.class), Map.of(), Map.of()))
        .containsExactlyInAnyOrder(
        OldStyle.class.getName() + ".of is a factory outside builder()/defaults()",
        OldStyle.class.getName() + ".custom is a factory outside builder()/defaults()",
        OldStyle.class.getName() + ".ofDefaults is a factory outside builder()/defaults()",
        OldStyle.class.getName() + " has builder() but no toBuilder()");
    assertThat(ConfigNaming.violations(List.of(OldStyle.class), Map.of(OldStyle.class, "listed"),
        Map.of(OldStyle.class, "listed"))).isEmpty();
  }

  /** What the scheme rejects: RetryPolicy before the rename (ofDefaults/custom) and more. */
  public static final class OldStyle {
    private OldStyle() {}

    public static OldStyle of(int x) {
      return new OldStyle();
    }

    public static OldStyle ofDefaults() {
      return new OldStyle();
    }

    public static Builder custom() {
      return new Builder();
    }

    public static Builder builder() {
      return new Builder();
    }

    /** A builder. */
    public static final class Builder {
      public OldStyle build() {
        return new OldStyle();
      }
    }
  }
}
