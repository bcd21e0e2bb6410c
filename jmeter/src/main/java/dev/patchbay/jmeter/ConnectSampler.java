package dev.patchbay.jmeter;

import dev.patchbay.jmeter.internal.Actions;
import dev.patchbay.jmeter.internal.Engine;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterVariables;

/**
 * "Patchbay Connect": connects this JMeter thread's user with its own client credentials
 * (usually from a CSV Data Set, one user per thread): token, admission, upgrade, hello, with
 * the SDK's retries. The agent is kept in the thread and reused; when the thread already has a
 * connected agent the sampler records nothing. Response code 200, or the edge's status (429,
 * 503, 401, 403, 409, …) once the retry budget is spent. Connect time is the time to the
 * WebSocket upgrade, latency the time to the edge's {@code hello}. One sub-result per phase:
 * {@code · token}, {@code · upgrade}, {@code · hello}, and for each refused attempt the phase
 * it was refused in (with the edge's status; not an error, the SDK retried) and
 * {@code · backoff} (the SDK's wait before the next attempt).
 */
public class ConnectSampler extends PatchbaySampler {
  private static final long serialVersionUID = 1L;

  private transient String clientId = "${user}";
  private transient String clientSecret = "${secret}";
  private transient String userId = "";

  @Override
  SampleResult sample(Actions actions, Engine engine, JMeterVariables vars) {
    return actions.connect(getName(), engine, vars, clientId, clientSecret, userId);
  }

  /**
   * OAuth client id of this thread's user, e.g. {@code ${user}}.
   *
   * @return the client id (JMeter expressions allowed)
   */
  public String getClientId() {
    return clientId;
  }

  /**
   * Sets {@link #getClientId()}.
   *
   * @param clientId the new value
   */
  public void setClientId(String clientId) {
    this.clientId = clientId;
  }

  /**
   * Client secret of this thread's user, e.g. {@code ${secret}}; never logged.
   *
   * @return the client secret
   */
  public String getClientSecret() {
    return clientSecret;
  }

  /**
   * Sets {@link #getClientSecret()}.
   *
   * @param clientSecret the new value
   */
  public void setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
  }

  /**
   * User id sent to the edge; empty: the client id.
   *
   * @return the user id, or empty
   */
  public String getUserId() {
    return userId;
  }

  /**
   * Sets {@link #getUserId()}.
   *
   * @param userId the new value
   */
  public void setUserId(String userId) {
    this.userId = userId;
  }
}
