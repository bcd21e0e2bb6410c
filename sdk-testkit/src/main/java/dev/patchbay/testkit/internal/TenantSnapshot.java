package dev.patchbay.testkit.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One tenant's live state as the admin page shows it: open sockets, calls by state, media
 * slots and the invite queue, with the limits they fill. Built by {@link
 * EdgeModel#tenantSnapshots()} under the model's lock, so the rows add up to the edge's totals.
 *
 * @param tenant the tenant id
 * @param openSockets upgraded sockets not yet closed (draining ones included)
 * @param drainingSockets of those, sockets told to reconnect ({@code closing})
 * @param socketCap the tenant's cap of live sockets (503 beyond it)
 * @param queuedCalls calls waiting for a media slot
 * @param ringingCalls calls ringing
 * @param activeCalls answered calls
 * @param heldMediaSlots media slots held
 * @param mediaCapacity the tenant's media slots
 * @param queuedInvites invites waiting for a slot (the queue)
 * @param mediaQueueLimit the queue's length limit (503 beyond it)
 */
public record TenantSnapshot(String tenant, int openSockets, int drainingSockets, int socketCap,
    int queuedCalls, int ringingCalls, int activeCalls, int heldMediaSlots, int mediaCapacity,
    int queuedInvites, int mediaQueueLimit) {

  static List<TenantSnapshot> of(Collection<TenantRuntime> tenants,
      Collection<EdgeConnection> connections, Collection<EdgeCall> calls) {
    Map<String, int[]> counts = new TreeMap<>(); // sockets, draining, queued, ringing, active
    for (TenantRuntime t : tenants) {
      counts.put(t.id, new int[5]);
    }
    for (EdgeConnection c : connections) {
      if (c.opened) {
        int[] n = counts.computeIfAbsent(c.tenant, k -> new int[5]);
        n[0]++;
        n[1] += c.draining ? 1 : 0;
      }
    }
    for (EdgeCall call : calls) {
      int[] n = counts.computeIfAbsent(call.tenant, k -> new int[5]);
      switch (call.state) {
        case QUEUED -> n[2]++;
        case RINGING -> n[3]++;
        case ACTIVE -> n[4]++;
        case ENDED -> { } // removed right after ending; not open
      }
    }
    Map<String, TenantRuntime> byId = new TreeMap<>();
    tenants.forEach(t -> byId.put(t.id, t));
    return counts.entrySet().stream().map(e -> {
      int[] n = e.getValue();
      TenantRuntime t = byId.get(e.getKey());
      return t == null
          ? new TenantSnapshot(e.getKey(), n[0], n[1], 0, n[2], n[3], n[4], 0, 0, 0, 0)
          : new TenantSnapshot(e.getKey(), n[0], n[1], t.limits.socketCap(), n[2], n[3], n[4],
              t.media.held(), t.limits.mediaCapacity(), t.media.queued(),
              t.limits.mediaQueueLimit());
    }).toList();
  }
}
