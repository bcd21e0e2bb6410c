package dev.patchbay.internal.auth;

import static dev.patchbay.internal.auth.OAuthTestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchbay.AccessToken;
import dev.patchbay.Credentials;
import dev.patchbay.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The authorization server's clock is off by ±60 s and every answer takes 2 s; it puts its own
 * clock in a {@code Date} header and a JWT {@code exp}. Over 30 simulated minutes, no token the
 * manager hands out is expired on the server's clock when used, even 5 s later (a slow
 * handshake): the manager counts {@code expires_in} from its own send time only.
 */
class ClockSkewTest {
  private static final long LIFETIME = 300;
  private final TokenFixture f;

  ClockSkewTest() throws Exception {
    f = new TokenFixture();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @ParameterizedTest(name = "server clock {0} s off")
  @ValueSource(ints = {-60, 60})
  void noTokenIsEverUsedAfterItExpiredOnTheServersClock(int skewSeconds) throws Exception {
    Duration skew = Duration.ofSeconds(skewSeconds);
    Map<String, Instant> serverExpiry = new ConcurrentHashMap<>();
    AtomicInteger n = new AtomicInteger();
    f.server.token = r -> {
      f.clock.advance(Duration.ofSeconds(1)); // request travels
      Instant serverNow = f.clock.instant().plus(skew);
      Instant exp = serverNow.plusSeconds(LIFETIME);
      String token = jwt(n.incrementAndGet(), exp);
      LogCapture.registerSecret(token);
      serverExpiry.put(token, exp);
      f.clock.advance(Duration.ofSeconds(1)); // answer travels
      return json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
          + "\"expires_in\":" + LIFETIME + "}").newBuilder()
          .setHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(
              serverNow.atOffset(ZoneOffset.UTC))).build();
    };
    RealTokenManager m = f.manager(Credentials.clientCredentials("app", "client-secret-1"),
        f.config().refreshMargin(Duration.ofSeconds(10)).proactiveRefresh(false).build());

    int uses = 0;
    for (Instant end = f.clock.instant().plus(Duration.ofMinutes(30));
        f.clock.instant().isBefore(end); f.clock.advance(Duration.ofSeconds(3))) {
      AccessToken t = m.token().get(5, TimeUnit.SECONDS);
      Instant usedAtServer = f.clock.instant().plus(skew).plusSeconds(5);
      assertThat(usedAtServer).as("use of token %s", serverExpiry.size())
          .isBefore(serverExpiry.get(t.value()));
      uses++;
    }
    assertThat(uses).isGreaterThan(500);
    // refreshed about every LIFETIME - margin, never needlessly often
    assertThat(f.server.tokenRequests().size()).isBetween(6, 8);
  }

  private static String jwt(int n, Instant exp) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String body = b64.encodeToString(("{\"n\":" + n + ",\"exp\":" + exp.getEpochSecond() + "}")
        .getBytes(StandardCharsets.UTF_8));
    return header + "." + body + ".";
  }
}
