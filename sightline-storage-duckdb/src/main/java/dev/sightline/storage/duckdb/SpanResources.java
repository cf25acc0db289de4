package dev.sightline.storage.duckdb;

import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import dev.sightline.core.storage.json.Components;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;

/**
 * A span's resource and instrumentation scope, stored once in {@code span_resources} instead of on
 * every row of {@code spans}, which holds their id ({@code resource_id}).
 *
 * <p>Why: the resource columns are the longest part of a span row (a few hundred bytes of
 * attributes, the schema URL, the scope), identical for every span a process sends, and DuckDB pays
 * for each byte of a row when it writes the row to its WAL at {@code COMMIT}: measured with the
 * JDBC appender, rows with ~550 bytes of resource columns cost 7.7 µs each to append and commit,
 * the same rows with a {@code BIGINT} id 2.2–2.7 µs (storage README, "Resources stored once").
 *
 * <p>How: the id is the first 8 bytes of a SHA-256 of the resource's columns and the scope (with
 * their lengths, so that no two inputs share their bytes), computed once per resource and scope of
 * a batch on the caller's thread ({@link SpanRows#encode}). The committer thread, in commit order,
 * appends to the group's transaction the resources it does not know to be stored ({@link
 * #appendNew}); they are known ({@link #committed}) only once that transaction committed, so a span
 * never references a resource that is not durable with it. The set of known ids is bounded ({@link
 * #MAX_KNOWN}, least recently used out): one forgotten is written again, and readers take one row
 * per id. Spans stored before this table existed keep their resource columns and a null id; the
 * {@code spans_resolved} view gives every span its resource either way, and the readers that filter
 * on resource attributes read that view; trace by id reads the spans alone (with the ART index) and
 * their resources through a {@link Cache}.
 *
 * <p>Not yet: retention does not remove resources no longer referenced (the table grows with the
 * distinct resources and scopes ever seen, typically thousands of rows).
 */
final class SpanResources {
  static final String TABLE = "span_resources";

  /** The view readers use for a span's resource columns, whichever way the span stored them. */
  static final String RESOLVED = "spans_resolved";

  static final String DDL =
      """
      CREATE TABLE IF NOT EXISTS span_resources (
        tenant VARCHAR NOT NULL,
        resource_id BIGINT NOT NULL,
        attributes VARCHAR NOT NULL,
        attribute_types VARCHAR NOT NULL,
        attributes_nested VARCHAR,
        dropped_attributes INTEGER NOT NULL,
        schema_url VARCHAR NOT NULL,
        scope VARCHAR NOT NULL
      )""";

  /**
   * {@code spans} with the resource columns of {@code span_resources} where the span has an id: one
   * row per id (a resource written twice is the same), a left join so spans of older stores keep
   * their own.
   */
  static final String VIEW =
      """
      CREATE OR REPLACE VIEW spans_resolved AS
      SELECT s.* REPLACE (
          CASE WHEN r.resource_id IS NULL THEN s.resource_attributes ELSE r.attributes END
            AS resource_attributes,
          CASE WHEN r.resource_id IS NULL THEN s.resource_attribute_types ELSE r.attribute_types END
            AS resource_attribute_types,
          CASE WHEN r.resource_id IS NULL THEN s.resource_attributes_nested
            ELSE r.attributes_nested END AS resource_attributes_nested,
          CASE WHEN r.resource_id IS NULL THEN s.resource_dropped_attributes
            ELSE r.dropped_attributes END AS resource_dropped_attributes,
          CASE WHEN r.resource_id IS NULL THEN s.resource_schema_url ELSE r.schema_url END
            AS resource_schema_url,
          CASE WHEN r.resource_id IS NULL THEN s.scope ELSE r.scope END AS scope)
      FROM spans s
      LEFT JOIN (SELECT DISTINCT ON (tenant, resource_id) * FROM span_resources) r
        ON r.tenant = s.tenant AND r.resource_id = s.resource_id""";

  /**
   * {@code relation} (a CTE of span rows with {@code tenant}, {@code resource_attributes} and
   * {@code resource_id}) with {@code resource_attributes} taken from {@code span_resources} where
   * the row has an id: what attribute filters compare, after the rows were read by the index or by
   * time ranges, so the join runs once on the rows read.
   */
  static String resolve(String relation) {
    return "SELECT sp.* REPLACE (CASE WHEN res.resource_id IS NULL THEN sp.resource_attributes"
        + " ELSE res.attributes END AS resource_attributes) FROM "
        + relation
        + " sp LEFT JOIN (SELECT DISTINCT ON (tenant, resource_id) tenant, resource_id, attributes"
        + " FROM span_resources) res ON res.tenant = sp.tenant"
        + " AND res.resource_id = sp.resource_id";
  }

  /** Ids remembered as stored; beyond, the least recently used is forgotten (and rewritten). */
  static final int MAX_KNOWN = 50_000;

  record Key(String tenant, long id) {}

  /** A stored resource and scope, decoded. */
  record Stored(Resource resource, InstrumentationScope scope) {}

  /**
   * Decoded resources by id, for readers (trace by id reads a trace's spans with the ART index and
   * their resources from here, not through the {@code spans_resolved} join, whose planning and
   * build side doubled its latency). Safe to keep: an id names its content, which never changes.
   * Bounded ({@link #MAX_CACHED}, least recently used out).
   */
  static final class Cache {
    static final int MAX_CACHED = 10_000;

    private final LinkedHashMap<Key, Stored> entries =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Stored> eldest) {
            return size() > MAX_CACHED;
          }
        };

    synchronized @Nullable Stored get(String tenant, long id) {
      return entries.get(new Key(tenant, id));
    }

    /**
     * The resources of {@code ids}, read from the table (and cached); ids without a row are absent.
     * The answer does not depend on the cache keeping them (it is bounded).
     */
    Map<Long, Stored> load(Connection c, String tenant, Collection<Long> ids) throws SQLException {
      List<Long> missing = new ArrayList<>(ids);
      StringBuilder sql =
          new StringBuilder(
              "SELECT DISTINCT ON (resource_id) resource_id, attributes, attribute_types,"
                  + " attributes_nested, dropped_attributes, schema_url, scope FROM "
                  + TABLE
                  + " WHERE tenant = ? AND resource_id IN (");
      for (int i = 0; i < missing.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(missing.get(i).longValue()); // numbers: safe inline
      }
      sql.append(')');
      Map<Long, Stored> read = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        ps.setString(1, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            read.put(
                rs.getLong(1),
                new Stored(
                    new Resource(
                        AttributeColumns.decode(rs.getString(2), rs.getString(3), rs.getString(4)),
                        rs.getInt(5),
                        rs.getString(6)),
                    Components.readScope(rs.getString(7))));
          }
        }
      }
      synchronized (this) {
        for (Map.Entry<Long, Stored> e : read.entrySet()) {
          entries.put(new Key(tenant, e.getKey()), e.getValue());
        }
      }
      return read;
    }
  }

  private final LinkedHashMap<Key, Boolean> known =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
          return size() > MAX_KNOWN;
        }
      };

  /**
   * Adds the id column and the table to a store that lacks them, and (re)creates the view. The
   * column is added last, after {@code scope}, so old and new stores have the same column order.
   */
  static void ensure(DuckDBConnection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "ALTER TABLE spans ADD COLUMN IF NOT EXISTS resource_id BIGINT " + Schema.FETCHED_BY_ROW);
      s.execute(DDL);
      s.execute(VIEW);
    }
  }

  /** The ids already stored, as many as are remembered. */
  static SpanResources load(DuckDBConnection c) throws SQLException {
    SpanResources r = new SpanResources();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT DISTINCT tenant, resource_id FROM " + TABLE + " LIMIT " + MAX_KNOWN)) {
      while (rs.next()) r.known.put(new Key(rs.getString(1), rs.getLong(2)), Boolean.TRUE);
    }
    return r;
  }

  /**
   * Committer thread, inside the group's transaction: appends the group's resources not known to be
   * stored; returns them, for {@link #committed} once the transaction committed.
   */
  List<Key> appendNew(DuckDBConnection connection, List<PendingWrite> group) throws SQLException {
    Map<Key, SpanRows.Row> fresh = null;
    synchronized (known) {
      for (PendingWrite p : group) {
        for (SpanRows.Row r : p.spans()) {
          Key k = new Key(r.span().tenant(), r.resourceId());
          if (known.get(k) != null || (fresh != null && fresh.containsKey(k))) continue;
          if (fresh == null) fresh = new LinkedHashMap<>();
          fresh.put(k, r);
        }
      }
    }
    if (fresh == null) return List.of();
    long[] t = WriterPhases.start();
    try (DuckDBAppender a = connection.createAppender("main", TABLE)) {
      for (Map.Entry<Key, SpanRows.Row> e : fresh.entrySet()) {
        SpanRows.Row r = e.getValue();
        a.beginRow();
        a.append(e.getKey().tenant());
        a.append(e.getKey().id());
        SpanRows.appendAttributes(a, r.resource().attributes());
        a.append(r.resource().dropped());
        a.append(r.resource().schemaUrl());
        a.append(r.scope());
        a.endRow();
      }
    }
    WriterPhases.end(TABLE, t);
    return new ArrayList<>(fresh.keySet());
  }

  /** After the COMMIT that stored {@code keys}. */
  void committed(List<Key> keys) {
    if (keys.isEmpty()) return;
    synchronized (known) {
      for (Key k : keys) known.put(k, Boolean.TRUE);
    }
  }

  /** How many ids are remembered (tests). */
  int knownCount() {
    synchronized (known) {
      return known.size();
    }
  }

  /** The id of a resource and scope: 8 bytes of a SHA-256 of their columns. */
  static long id(SpanRows.ResourceColumns resource, String scope) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    AttributeColumns a = resource.attributes();
    update(sha, a.text());
    update(sha, a.types());
    update(sha, a.nested());
    sha.update(ByteBuffer.allocate(4).putInt(resource.dropped()).array());
    update(sha, resource.schemaUrl());
    update(sha, scope);
    return ByteBuffer.wrap(sha.digest()).getLong();
  }

  private static void update(MessageDigest sha, @Nullable String s) {
    if (s == null) {
      sha.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }
}
