package dev.sightline.storage.duckdb;

import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.ServiceVersion;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The services of a range: their versions, and their operations by kind. */
final class ServiceListing {
  private final ReaderConnections connections;

  ServiceListing(ReaderConnections connections) {
    this.connections = connections;
  }

  List<ServiceVersion> serviceVersions(String tenant, long startUnixNano, long endUnixNano) {
    // grouped by resource first, so service.version is read once per resource, not per span (a
    // span of an older store holds its resource columns itself: read from them)
    String sql =
        "WITH g AS (SELECT service, resource_id, CASE WHEN resource_id IS NULL THEN"
            + " json_extract_string(resource_attributes, $1) END AS inline_version,"
            + " min(start_ns) AS lo, max(start_ns) AS hi, count(*) AS n FROM spans"
            + " WHERE tenant = $2 AND start_ns >= $3 AND start_ns < $4 GROUP BY 1, 2, 3)"
            + " SELECT g.service, coalesce(CASE WHEN g.resource_id IS NULL THEN g.inline_version"
            + " ELSE json_extract_string(r.attributes, $1) END, '') AS version,"
            + " min(g.lo), max(g.hi), sum(g.n)::BIGINT FROM g LEFT JOIN (SELECT DISTINCT ON"
            + " (resource_id) resource_id, attributes FROM span_resources WHERE tenant = $2) r"
            + " ON r.resource_id = g.resource_id GROUP BY 1, 2 ORDER BY 1, 3, 2";
    return connections.run(
        c -> {
          List<ServiceVersion> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, AttributeColumns.pointer("service.version"));
            ps.setString(2, tenant);
            ps.setLong(3, startUnixNano);
            ps.setLong(4, endUnixNano);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new ServiceVersion(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5)));
              }
            }
          }
          return out;
        });
  }

  /**
   * From {@code service_operations} (a row per key and hour with the earliest and latest span
   * start, see {@link ServiceOperationHours}): exact for any range that does not lie inside one
   * hour, at a cost that follows the hours of the range × the keys. A range inside one hour and not
   * starting on it is answered from the RED buckets ({@code span_metrics}) for its whole 10-second
   * buckets and from {@code spans} for the partial buckets at its edges.
   */
  List<ServiceOperations> services(String tenant, long startUnixNano, long endUnixNano) {
    record Row(String service, String name, String kind) {}
    List<Row> rows =
        connections.run(
            c -> {
              List<Row> out = new ArrayList<>();
              List<ServiceOperationHours.Triple> byHour =
                  ServiceOperationHours.read(c, tenant, startUnixNano, endUnixNano);
              if (byHour != null) {
                for (var t : byHour) {
                  out.add(
                      new Row(t.service(), t.operation(), SpanKind.fromNumber(t.kind()).name()));
                }
                return out;
              }
              // inside one hour: whole 10 s buckets from the RED rows, one plain range per
              // partial bucket at the edges from the spans, so zone maps prune each scan
              long bucket = dev.sightline.core.storage.SpanMetricsReader.BUCKET_NANOS;
              long firstWhole =
                  Sql.saturatedAdd(startUnixNano, Math.floorMod(-startUnixNano, bucket));
              long endWhole = endUnixNano - Math.floorMod(endUnixNano, bucket);
              List<Object> params = new ArrayList<>();
              String sql;
              if (firstWhole < endWhole) {
                sql =
                    "SELECT DISTINCT service, operation, kind FROM span_metrics"
                        + " WHERE tenant = ? AND bucket_ns >= ? AND bucket_ns < ?"
                        + " UNION SELECT DISTINCT service, name, kind FROM spans"
                        + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?"
                        + " UNION SELECT DISTINCT service, name, kind FROM spans"
                        + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?";
                params.addAll(List.of(tenant, firstWhole, endWhole));
                params.addAll(
                    List.of(tenant, startUnixNano, firstWhole, tenant, endWhole, endUnixNano));
              } else {
                sql =
                    "SELECT DISTINCT service, name, kind FROM spans"
                        + " WHERE tenant = ? AND start_ns >= ? AND start_ns < ?";
                params.addAll(List.of(tenant, startUnixNano, endUnixNano));
              }
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                Sql.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new Row(
                            rs.getString(1),
                            rs.getString(2),
                            SpanKind.fromNumber(rs.getByte(3)).name()));
                  }
                }
              }
              return out;
            });
    rows.sort(Comparator.comparing(Row::service).thenComparing(Row::name).thenComparing(Row::kind));
    Map<String, List<ServiceOperations.Operation>> byService = new LinkedHashMap<>();
    for (Row r : rows) {
      byService
          .computeIfAbsent(r.service(), s -> new ArrayList<>())
          .add(new ServiceOperations.Operation(r.name(), r.kind()));
    }
    List<ServiceOperations> out = new ArrayList<>(byService.size());
    byService.forEach((service, ops) -> out.add(new ServiceOperations(service, ops)));
    return out;
  }
}
