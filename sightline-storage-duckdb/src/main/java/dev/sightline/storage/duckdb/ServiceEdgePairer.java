package dev.sightline.storage.duckdb;

import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.StatusCode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Pairs service-graph ends in memory on the writer thread: a CLIENT or PRODUCER span (the caller)
 * and each span whose parent it is (the child), across commit groups, whatever their arrival order.
 * Pure Java; owned by one thread (the writer), not thread-safe except {@link #stats()}.
 *
 * <p>State, bounded by an entry cap each and an arrival-age window (oldest evicted first):
 *
 * <ul>
 *   <li><b>recent callers</b>, keyed by (tenant, trace id, span id): service, kind, start, how many
 *       stored copies (and how many of them ERROR), and the children already paired with it that
 *       can form an edge (for a later copy of the caller, a retried export). Once a child resolved
 *       to it, a caller is evicted before every caller still waiting for its first child;
 *   <li><b>waiting children</b>, keyed by (tenant, trace id, parent span id): children whose parent
 *       has not arrived yet (the usual case: a parent ends, so is exported, after its children).
 *       Every arriving span, of any kind, removes the children waiting for it, pairing them only
 *       when it is a caller; only callers are remembered afterwards.
 * </ul>
 *
 * <p>A commit group is handled in two steps so a transaction that fails leaves the state untouched:
 * {@link #pairs} (read-only) computes the pairs the group <b>completes</b> — a child of the group
 * with a caller stored earlier or in the group, and a caller of the group with children stored
 * earlier — and {@link #commit} applies the group to the state once its transaction committed. Each
 * pair of stored rows is thus counted exactly once, by the commit that stores the second of its two
 * rows; a span stored twice pairs once per stored copy of its counterpart, as the query-time join
 * counts. A pair counts when the services differ and the caller starts within {@link
 * ServiceEdgeRows#PAIRING_SLACK_NANOS} of the child.
 *
 * <p>Exactness limit: a pair whose two ends arrive further apart than the window, or while the caps
 * push entries out, is not counted. Every such pair ends as an evicted waiting child ({@link
 * Stats#evictedWaitingChildren}), which is therefore an upper bound of the pairs missed (it also
 * counts children whose parent never arrives, or arrived before them as a non-caller span).
 */
final class ServiceEdgePairer {
  static final int CLIENT = SpanKind.CLIENT.ordinal();
  static final int PRODUCER = SpanKind.PRODUCER.ordinal();

  /** Counters, readable from any thread. */
  record Stats(
      long recentCallers, long waitingChildren, long evictedCallers, long evictedWaitingChildren) {}

  /** The fields of one span the pairer uses; build with {@link #end}. */
  static final class End {
    final Key key;
    final @Nullable Key parent;
    final byte kind;
    final String service;
    final boolean error;
    final long start;
    final long duration;

    private End(
        Key key,
        @Nullable Key parent,
        byte kind,
        String service,
        boolean error,
        long start,
        long duration) {
      this.key = key;
      this.parent = parent;
      this.kind = kind;
      this.service = service;
      this.error = error;
      this.start = start;
      this.duration = duration;
    }

    boolean isCaller() {
      return kind == CLIENT || kind == PRODUCER;
    }
  }

  /**
   * (tenant, trace id, span id), its hash computed once (map lookups and resizes reuse it); the
   * tenant is interned, so equal tenants are mostly the same instance.
   */
  static final class Key {
    private final String tenant;
    private final long traceHigh;
    private final long traceLow;
    private final long spanId;
    private final int hash;

    Key(String tenant, long traceHigh, long traceLow, long spanId) {
      this.tenant = tenant;
      this.traceHigh = traceHigh;
      this.traceLow = traceLow;
      this.spanId = spanId;
      long h = traceHigh * 0x9E3779B97F4A7C15L + traceLow;
      h = h * 0x9E3779B97F4A7C15L + spanId;
      h = h * 0x9E3779B97F4A7C15L + tenant.hashCode();
      this.hash = (int) (h ^ (h >>> 32));
    }

    String tenant() {
      return tenant;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Key k)) return false;
      return hash == k.hash
          && spanId == k.spanId
          && traceLow == k.traceLow
          && traceHigh == k.traceHigh
          && (tenant == k.tenant || tenant.equals(k.tenant));
    }
  }

  /** Receives the pairs of a group: one call per (caller copies × child) combination. */
  interface Sink {
    void pair(
        String tenant,
        long childStart,
        String client,
        String server,
        byte callerKind,
        long calls,
        long errors,
        long childDuration);
  }

  /**
   * A child end: waiting for its parent, or paired with a caller (for the caller's later copies).
   */
  private static final class Child {
    final String service;
    final boolean error;
    final long start;
    final long duration;
    final long arrival;
    @Nullable Child next;

    Child(End e, long arrival) {
      this.service = e.service;
      this.error = e.error;
      this.start = e.start;
      this.duration = e.duration;
      this.arrival = arrival;
    }
  }

  private static final class Caller {
    final String service;
    final byte kind;
    final long start;
    final long arrival;
    int copies;
    int errorCopies;

    /** Children paired with it that form an edge, for a later copy of the caller. */
    @Nullable Child children;

    Caller(End e, long arrival) {
      this.service = e.service;
      this.kind = e.kind;
      this.start = e.start;
      this.arrival = arrival;
    }

    void adopt(Child c) {
      c.next = children;
      children = c;
    }
  }

  /** Callers of the group being paired (not yet committed). */
  private static final class GroupCaller {
    final End first;
    int copies;
    int errorCopies;

    GroupCaller(End first) {
      this.first = first;
    }
  }

  private final int maxCallers;
  private final int maxWaitingChildren;
  private final long windowNanos;
  private final LongSupplier clock;

  /** Callers no child has resolved to yet, oldest first. */
  private final LinkedHashMap<Key, Caller> callers = new LinkedHashMap<>();

  /**
   * Callers some child resolved to, in the order that happened: kept only for further children
   * (retried exports, fan-out), so evicted before {@link #callers} when the cap is reached.
   */
  private final LinkedHashMap<Key, Caller> paired = new LinkedHashMap<>();

  private final LinkedHashMap<Key, Child> waiting = new LinkedHashMap<>();
  private int waitingCount;
  private final Map<String, String> interned = new HashMap<>();

  private volatile Stats stats = new Stats(0, 0, 0, 0);
  private long evictedCallers;
  private long evictedWaitingChildren;

  /**
   * @param maxCallers recent CLIENT/PRODUCER spans remembered at most
   * @param maxWaitingChildren children waiting for their parent at most
   * @param windowNanos how long (arrival time, {@code clock}) an entry is kept at most
   * @param clock arrival time in nanoseconds, {@link System#nanoTime} but in tests
   */
  ServiceEdgePairer(int maxCallers, int maxWaitingChildren, long windowNanos, LongSupplier clock) {
    this.maxCallers = maxCallers;
    this.maxWaitingChildren = maxWaitingChildren;
    this.windowNanos = windowNanos;
    this.clock = clock;
  }

  /** The pairer's view of one span; tenant and service strings are interned. */
  End end(
      String tenant,
      long traceHigh,
      long traceLow,
      long spanId,
      boolean hasParent,
      long parentSpanId,
      int kind,
      String service,
      boolean error,
      long start,
      long duration) {
    String t = intern(tenant);
    return new End(
        new Key(t, traceHigh, traceLow, spanId),
        hasParent ? new Key(t, traceHigh, traceLow, parentSpanId) : null,
        (byte) kind,
        intern(service),
        error,
        start,
        duration);
  }

  End end(SpanRows.Row r) {
    var s = r.span();
    return end(
        s.tenant(),
        r.traceIdHigh(),
        r.traceIdLow(),
        r.spanId(),
        r.hasParent(),
        r.parentSpanId(),
        s.kind().ordinal(),
        r.resource().service(),
        s.statusCode() == StatusCode.ERROR,
        s.startTimeUnixNano(),
        s.durationNanos());
  }

  private String intern(String s) {
    String i = interned.get(s);
    if (i != null) return i;
    // a guard against unbounded service names: forget them all, strings are then merely not shared
    if (interned.size() >= 100_000) interned.clear();
    interned.put(s, s);
    return s;
  }

  /**
   * The pairs {@code group} completes with the state and among its own spans, to {@code sink}.
   * Read-only: call {@link #commit} with the same group once it is stored.
   */
  void pairs(List<End> group, Sink sink) {
    Map<Key, GroupCaller> groupCallers = new HashMap<>();
    for (End e : group) {
      if (!e.isCaller()) continue;
      GroupCaller g = groupCallers.computeIfAbsent(e.key, k -> new GroupCaller(e));
      g.copies++;
      if (e.error) g.errorCopies++;
    }
    // children of the group: with every copy of their caller, stored earlier or in the group
    for (End c : group) {
      if (c.parent == null) continue;
      Caller stored = caller(c.parent);
      if (stored != null && pairable(stored.service, stored.start, c.service, c.start)) {
        emit(sink, c, stored.service, stored.kind, stored.copies, stored.errorCopies);
      }
      GroupCaller g = groupCallers.get(c.parent);
      if (g != null && pairable(g.first.service, g.first.start, c.service, c.start)) {
        emit(sink, c, g.first.service, g.first.kind, g.copies, g.errorCopies);
      }
    }
    // callers of the group: with every child stored earlier, waiting or paired with a copy
    for (End p : group) {
      if (!p.isCaller()) continue;
      Caller stored = caller(p.key);
      for (Child c = stored == null ? null : stored.children; c != null; c = c.next) {
        emit(sink, p, c);
      }
      for (Child c = waiting.get(p.key); c != null; c = c.next) emit(sink, p, c);
    }
  }

  private static void emit(
      Sink sink, End child, String client, byte kind, int copies, int errorCopies) {
    sink.pair(
        child.key.tenant(),
        child.start,
        client,
        child.service,
        kind,
        copies,
        child.error ? copies : errorCopies,
        child.duration);
  }

  private static void emit(Sink sink, End caller, Child c) {
    if (!pairable(caller.service, caller.start, c.service, c.start)) return;
    sink.pair(
        caller.key.tenant(),
        c.start,
        caller.service,
        c.service,
        caller.kind,
        1,
        c.error || caller.error ? 1 : 0,
        c.duration);
  }

  /** An edge: two services, the caller starting within the slack of the child. */
  static boolean pairable(String client, long clientStart, String server, long serverStart) {
    if (client.equals(server)) return false;
    long slack = ServiceEdgeRows.PAIRING_SLACK_NANOS;
    return clientStart >= Sql.saturatedAdd(serverStart, -slack)
        && clientStart <= Sql.saturatedAdd(serverStart, slack);
  }

  /**
   * Applies a stored group to the state: its callers are remembered (or get another copy), the
   * children waiting for any of its spans are resolved, its children are paired with their caller
   * or left waiting; then entries beyond the caps or older than the window are evicted. No pair is
   * emitted: {@link #pairs} did that (or, replaying stored spans at open, an earlier run did).
   */
  void commit(List<End> group) {
    long now = clock.getAsLong();
    Set<Key> ids = new HashSet<>(group.size() * 2);
    for (End e : group) {
      ids.add(e.key);
      if (!e.isCaller()) continue;
      Caller stored = caller(e.key);
      if (stored == null) callers.put(e.key, stored = new Caller(e, now));
      stored.copies++;
      if (e.error) stored.errorCopies++;
    }
    // children waiting for a span of the group: paired if it is a caller, else resolved for good
    for (End e : group) {
      Child c = waiting.remove(e.key);
      if (c == null) continue;
      Caller caller = resolve(e.key);
      while (c != null) {
        Child next = c.next;
        waitingCount--;
        if (caller != null && pairable(caller.service, caller.start, c.service, c.start)) {
          caller.adopt(c);
        }
        c = next;
      }
    }
    for (End e : group) {
      if (e.parent == null) continue;
      Caller caller = resolve(e.parent);
      if (caller != null) {
        if (pairable(caller.service, caller.start, e.service, e.start)) {
          caller.adopt(new Child(e, now));
        }
      } else if (!ids.contains(e.parent)) {
        Child c = new Child(e, now);
        Child head = waiting.get(e.parent);
        if (head == null) {
          waiting.put(e.parent, c);
        } else {
          c.next = head.next;
          head.next = c;
        }
        waitingCount++;
      }
    }
    evict(now);
    stats =
        new Stats(
            callers.size() + paired.size(), waitingCount, evictedCallers, evictedWaitingChildren);
  }

  private @Nullable Caller caller(Key key) {
    Caller c = callers.get(key);
    return c != null ? c : paired.get(key);
  }

  /** The caller under {@code key}, which a child resolved to: moved to {@link #paired}. */
  private @Nullable Caller resolve(Key key) {
    Caller c = callers.remove(key);
    if (c == null) return paired.get(key);
    paired.put(key, c);
    return c;
  }

  private void evict(long now) {
    long oldest = now - windowNanos;
    // paired callers first: a child for them is less likely than for a caller still unpaired
    evictCallers(paired, oldest, callers.size());
    evictCallers(callers, oldest, paired.size());

    for (Iterator<Child> it = waiting.values().iterator(); it.hasNext(); ) {
      Child head = it.next();
      if (waitingCount <= maxWaitingChildren && head.arrival - oldest >= 0) break;
      it.remove();
      for (Child c = head; c != null; c = c.next) {
        waitingCount--;
        evictedWaitingChildren++;
      }
    }
  }

  private void evictCallers(LinkedHashMap<Key, Caller> map, long oldest, int others) {
    for (Iterator<Caller> it = map.values().iterator(); it.hasNext(); ) {
      Caller c = it.next();
      if (map.size() + others <= maxCallers && c.arrival - oldest >= 0) break;
      it.remove();
      evictedCallers++;
    }
  }

  /** Forgets everything (counters stay); for a writer that could not apply a stored group. */
  void clear() {
    callers.clear();
    paired.clear();
    waiting.clear();
    waitingCount = 0;
    stats = new Stats(0, 0, evictedCallers, evictedWaitingChildren);
  }

  Stats stats() {
    return stats;
  }
}
