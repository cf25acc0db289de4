package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP interfaces of every node (every replica of every shard) of a cluster, to which the
 * schema and retention statements go one by one: without ZooKeeper there is no {@code ON CLUSTER}
 * DDL, and {@code system.clusters} knows only each node's native (TCP) port. So the nodes are
 * either given, or derived from {@code system.clusters} of the first node with that node's scheme
 * and HTTP port (a cluster whose nodes all serve HTTP on the same port, the usual deployment).
 */
final class ClusterNodes {
  private ClusterNodes() {}

  /**
   * @param first the node of the configured url
   * @param given the nodes' HTTP urls, or empty to derive them
   */
  static List<ClickHouseHttp> resolve(ClickHouseHttp first, String cluster, List<URI> given) {
    List<JsonNode> members =
        first
            .withoutDatabase()
            .query(
                "SELECT host_name, port, shard_num, replica_num FROM system.clusters WHERE"
                    + " cluster = "
                    + Sql.literal(cluster)
                    + " ORDER BY shard_num, replica_num");
    if (members.isEmpty()) {
      throw new IllegalStateException(
          "the cluster "
              + cluster
              + " is not defined in remote_servers of ClickHouse at "
              + first.base()
              + " (SELECT cluster FROM system.clusters lists the defined ones)");
    }
    List<URI> urls = new ArrayList<>();
    if (given.isEmpty()) {
      URI base = first.base();
      for (JsonNode m : members) {
        urls.add(
            URI.create(base.getScheme() + "://" + m.get("host_name").asText() + ":" + port(base)));
      }
    } else {
      if (given.size() != members.size()) {
        throw new IllegalStateException(
            "the cluster "
                + cluster
                + " has "
                + members.size()
                + " nodes in remote_servers, but "
                + given.size()
                + " node urls were given: give every node (each replica of each shard) once");
      }
      urls.addAll(given);
    }
    List<ClickHouseHttp> nodes = new ArrayList<>();
    for (URI url : urls) {
      ClickHouseHttp node = first.onNode(url);
      List<JsonNode> known =
          node.withoutDatabase()
              .query(
                  "SELECT count() AS n FROM system.clusters WHERE cluster = "
                      + Sql.literal(cluster));
      if (known.get(0).get("n").asInt() != members.size()) {
        throw new IllegalStateException(
            "ClickHouse at "
                + url
                + " does not define the cluster "
                + cluster
                + " as "
                + first.base()
                + " does: every node needs the same remote_servers");
      }
      nodes.add(node);
    }
    return nodes;
  }

  private static int port(URI url) {
    if (url.getPort() > 0) return url.getPort();
    return "https".equals(url.getScheme()) ? 443 : 80;
  }
}
