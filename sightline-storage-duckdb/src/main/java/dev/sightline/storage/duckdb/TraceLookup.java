package dev.sightline.storage.duckdb;

import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trace by id ({@link DuckDbTraceReader#getTrace}): the spans through the ART index on {@code
 * trace_id}, their resources from a cache of decoded resources (module README, "Trace-by-id: the
 * index choice").
 */
final class TraceLookup {
  private static final Comparator<Span> TRACE_ORDER =
      Comparator.comparingLong(Span::startTimeUnixNano).thenComparing(Span::spanId);

  /**
   * By trace id only: DuckDB uses the ART index for a scan whose only filter is an equality on the
   * indexed column, and falls back to a full scan when other filters are pushed into the same scan.
   * The tenant is therefore checked here, on the handful of rows found.
   */
  private static final String GET_TRACE =
      "SELECT " + SpanRows.COLUMNS + ", resource_id FROM spans WHERE trace_id = ?::HUGEINT";

  /** The resource ids' column in {@link #GET_TRACE}. */
  private static final int RESOURCE_ID_COLUMN = 26;

  /** Stands for a resource read after the spans (never returned). */
  private static final SpanResources.Stored PENDING =
      new SpanResources.Stored(Resource.empty(), InstrumentationScope.empty());

  /** Resources of the spans read by id (rows that hold theirs by id). */
  private final SpanResources.Cache resources = new SpanResources.Cache();

  private final ReaderConnections connections;

  TraceLookup(ReaderConnections connections) {
    this.connections = connections;
  }

  List<Span> getTrace(String tenant, String traceId) {
    Objects.requireNonNull(tenant, "tenant");
    if (!HexIds.isHex(traceId, 32)) return List.of();
    String parameter = HexIds.traceIdParameter(traceId);
    String id = traceId.toLowerCase(java.util.Locale.ROOT);
    List<Span> spans =
        connections.runOnStored(
            c -> {
              List<Span> out = new ArrayList<>();
              // spans whose resource was not cached yet, by index in out, with its id
              Map<Integer, Long> unresolved = null;
              // kept prepared on the connection: preparing it cost as much as the lookup
              PreparedStatement ps = connections.prepared(c, GET_TRACE);
              ps.setString(1, parameter);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  if (!tenant.equals(rs.getString(1))) continue;
                  long resourceId = rs.getLong(RESOURCE_ID_COLUMN);
                  if (rs.wasNull()) {
                    out.add(SpanRows.read(rs, id)); // stored with its resource columns
                    continue;
                  }
                  SpanResources.Stored stored = resources.get(tenant, resourceId);
                  if (stored == null) {
                    if (unresolved == null) unresolved = new HashMap<>();
                    unresolved.put(out.size(), resourceId);
                    stored = PENDING;
                  }
                  out.add(SpanRows.read(rs, id, stored));
                }
              }
              if (unresolved != null) {
                Map<Long, SpanResources.Stored> read =
                    resources.load(c, tenant, new HashSet<>(unresolved.values()));
                for (Map.Entry<Integer, Long> e : unresolved.entrySet()) {
                  SpanResources.Stored stored = read.get(e.getValue());
                  if (stored == null) {
                    throw new IllegalStateException(
                        "span resource " + e.getValue() + " missing from " + SpanResources.TABLE);
                  }
                  Span s = out.get(e.getKey());
                  out.set(
                      e.getKey(),
                      s.toBuilder().resource(stored.resource()).scope(stored.scope()).build());
                }
              }
              return out;
            });
    spans.sort(TRACE_ORDER);
    return withoutDuplicates(spans);
  }

  /**
   * A span stored twice (a client retried an export whose acknowledgement it did not see) is
   * returned once.
   */
  private static List<Span> withoutDuplicates(List<Span> spans) {
    Map<String, Span> bySpanId = new LinkedHashMap<>();
    for (Span s : spans) bySpanId.putIfAbsent(s.spanId(), s);
    return bySpanId.size() == spans.size() ? spans : new ArrayList<>(bySpanId.values());
  }
}
