package dev.patchbay.testkit.internal;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Registered OAuth clients: users (client id = user id) and tenants' backend services. */
public final class Directory {
  private final ConcurrentHashMap<String, EdgeSettings.Client> clients = new ConcurrentHashMap<>();

  public Directory(List<EdgeSettings.Client> initial) {
    initial.forEach(this::add);
  }

  public void add(EdgeSettings.Client client) {
    EdgeSettings.Client prev = clients.putIfAbsent(client.clientId(), client);
    if (prev != null && !prev.equals(client)) {
      throw new IllegalArgumentException("client id " + client.clientId()
          + " is already registered in tenant " + prev.tenant());
    }
  }

  public EdgeSettings.Client get(String clientId) {
    return clientId == null ? null : clients.get(clientId);
  }

  /** A user (not a backend client), or null. */
  public EdgeSettings.Client user(String userId) {
    EdgeSettings.Client c = get(userId);
    return c == null || c.backend() ? null : c;
  }

  /** The client when id and secret match (constant-time compare), else null. */
  public EdgeSettings.Client authenticate(String clientId, String secret) {
    EdgeSettings.Client c = get(clientId);
    if (c == null || secret == null) {
      return null;
    }
    return MessageDigest.isEqual(c.secret().getBytes(StandardCharsets.UTF_8),
        secret.getBytes(StandardCharsets.UTF_8)) ? c : null;
  }

  public Collection<EdgeSettings.Client> all() {
    return List.copyOf(clients.values());
  }
}
