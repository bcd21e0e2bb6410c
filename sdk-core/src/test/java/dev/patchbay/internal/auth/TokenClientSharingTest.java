package dev.patchbay.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Token requests never retry or follow redirects, and a prepared client is shared as is. */
class TokenClientSharingTest {
  @Test
  void aDefaultClientIsDerivedWithRetriesAndRedirectsOff() {
    OkHttpClient shared = new OkHttpClient();

    OkHttpClient forTokens = RealTokenManager.tokenClient(shared);

    assertThat(forTokens).isNotSameAs(shared);
    assertThat(forTokens.retryOnConnectionFailure()).isFalse();
    assertThat(forTokens.followRedirects()).isFalse();
    assertThat(forTokens.followSslRedirects()).isFalse();
    assertThat(forTokens.dispatcher()).isSameAs(shared.dispatcher());
    assertThat(forTokens.connectionPool()).isSameAs(shared.connectionPool());
  }

  @Test
  void aPreparedClientIsReturnedAsIs() {
    OkHttpClient prepared = RealTokenManager.tokenClient(new OkHttpClient());

    assertThat(RealTokenManager.tokenClient(prepared)).isSameAs(prepared);
    assertThat(TokenEndpoint.forTokenRequests(prepared)).isSameAs(prepared);
  }

  @Test
  void aClientWithOnlySomeSettingsOffIsStillDerived() {
    OkHttpClient redirectsOff = new OkHttpClient.Builder().followRedirects(false).build();

    OkHttpClient forTokens = TokenEndpoint.forTokenRequests(redirectsOff);

    assertThat(forTokens).isNotSameAs(redirectsOff);
    assertThat(forTokens.retryOnConnectionFailure()).isFalse();
    assertThat(forTokens.followSslRedirects()).isFalse();
  }
}
