package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sightline.testing.clickhouse.ClickHouseServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Sightline servers sharing one two-shard ClickHouse cluster ({@code --clickhouse-cluster},
 * each server on its own node): what one receives over OTLP the other finds, and the traces are
 * spread over both shards, each whole on one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClickHouseClusterIT {
  static final String CLUSTER = "sightline_it";
  @TempDir static Path dataDir;
  List<ClickHouseServer> nodes;
  String database;
  TestServer first;
  TestServer second;

  @BeforeAll
  void start() {
    nodes = ClickHouseServer.startCluster(CLUSTER, 2);
    database = nodes.get(0).newDatabase();
    String allNodes = nodes.get(0).url() + "," + nodes.get(1).url();
    first = server(dataDir.resolve("a"), nodes.get(0), allNodes);
    second = server(dataDir.resolve("b"), nodes.get(1), allNodes);
  }

  private TestServer server(Path dir, ClickHouseServer node, String allNodes) {
    return TestServer.start(
        dir,
        "storage",
        "clickhouse",
        "clickhouse-url",
        node.url(),
        "clickhouse-database",
        database,
        "clickhouse-cluster",
        CLUSTER,
        "clickhouse-cluster-nodes",
        allNodes);
  }

  @AfterAll
  void stop() {
    if (first != null) first.close();
    if (second != null) second.close();
    if (nodes != null) nodes.forEach(ClickHouseServer::close);
  }

  @Test
  void whatOneServerReceives_theOtherFinds_onBothShards() {
    assertThat(first.server.storageDescription()).endsWith("cluster " + CLUSTER);
    long before = System.currentTimeMillis();
    InMemorySpanExporter memory = InMemorySpanExporter.create();
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(AttributeKey.stringKey("service.name"), "cluster-shop")))
            .addSpanProcessor(SimpleSpanProcessor.create(memory))
            .build();
    Tracer tracer = tracing.get("dev.sightline.test");
    Set<String> traceIds = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      Span root = tracer.spanBuilder("GET /item").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope ignored = root.makeCurrent()) {
        tracer.spanBuilder("SELECT item").setSpanKind(SpanKind.CLIENT).startSpan().end();
      } finally {
        root.end();
      }
      traceIds.add(root.getSpanContext().getTraceId());
    }
    SpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(first.otlpGrpc()).build();
    CompletableResultCode result = exporter.export(memory.getFinishedSpanItems());
    result.join(30, TimeUnit.SECONDS);
    assertThat(result.isSuccess()).as("export acknowledged").isTrue();
    exporter.shutdown();
    tracing.shutdown();

    // acknowledged = stored on its shard: the other server reads everything at once
    String window = "start=" + (before - 60_000) + "&end=" + (System.currentTimeMillis() + 1_000);
    TestServer.Response search =
        second.get("/api/v1/traces?service=cluster-shop&limit=100&" + window);
    assertThat(search.status()).as(search.text()).isEqualTo(200);
    Set<String> found = new HashSet<>();
    for (JsonNode t : search.json().get("traces")) {
      found.add(t.get("traceId").asText());
      assertThat(t.get("spanCount").asInt()).isEqualTo(2);
    }
    assertThat(found).isEqualTo(traceIds);
    for (ClickHouseServer node : nodes) {
      long shardTraces =
          Long.parseLong(
              node.execute(
                      "SELECT uniqExact(trace_id) FROM "
                          + database
                          + ".spans_local WHERE service = 'cluster-shop'")
                  .strip());
      assertThat(shardTraces).as("traces on the shard of " + node.url()).isPositive();
    }
  }
}
