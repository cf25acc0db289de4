package dev.sightline.storage.clickhouse;

import org.jspecify.annotations.Nullable;

/**
 * Where the tables live: on one node (the tables under their own names), or sharded over a cluster
 * of {@code remote_servers}. In a cluster every node holds {@code <table>_local} (the data of its
 * shard, with the materialized views on it, so a view sees exactly the rows inserted into its
 * shard) and a {@code Distributed} table under the table's own name, which the readers and the
 * writer use unchanged: inserts are routed by the sharding key, reads fan out to every shard.
 *
 * <p>With {@code replicated}, the local tables are {@code Replicated*MergeTree} in ZooKeeper under
 * {@code /clickhouse/tables/{shard}/<database>/<table>_local}, replica {@code {replica}}: both
 * macros must be defined on every node ({@code <macros>} in its config).
 */
record TableLayout(String database, @Nullable String cluster, boolean replicated) {

  static TableLayout singleNode(String database) {
    return new TableLayout(database, null, false);
  }

  boolean clustered() {
    return cluster != null;
  }

  /** The table holding the rows on a node: {@code <table>_local} in a cluster. */
  String local(String table) {
    return clustered() ? table + "_local" : table;
  }

  /**
   * The engine of a local table: {@code engine(args)}, or its {@code Replicated} form with the
   * ZooKeeper path and replica name first.
   *
   * @param engine e.g. {@code MergeTree}, {@code SummingMergeTree}
   * @param args the engine's own arguments without parentheses, or empty
   */
  String engine(String table, String engine, String args) {
    if (!replicated) return args.isEmpty() ? engine : engine + "(" + args + ")";
    String path = "'/clickhouse/tables/{shard}/" + database + "/" + local(table) + "'";
    return "Replicated"
        + engine
        + "("
        + path
        + ", '{replica}'"
        + (args.isEmpty() ? "" : ", " + args)
        + ")";
  }

  /**
   * The {@code Distributed} table in front of {@code <table>_local}, routing inserts by {@code
   * shardingKey} (an integer expression).
   */
  String distributed(String table, String shardingKey) {
    if (cluster == null) throw new IllegalStateException("not a cluster layout");
    return "CREATE TABLE IF NOT EXISTS "
        + table
        + " AS "
        + local(table)
        + " ENGINE = Distributed("
        + cluster
        + ", "
        + database
        + ", "
        + local(table)
        + ", "
        + shardingKey
        + ")";
  }
}
