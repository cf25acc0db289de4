package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.Tenants;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import dev.sightline.testing.TelemetryGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's two-stage pipeline (a group appended on one connection while the previous commits on
 * the other): with overlap forced on every group, concurrent writers of shuffled batches end with
 * exactly what one group at a time stores — every acknowledged span, the same trace summaries, RED,
 * service operations and service-graph edges (whose pairing depends on the order groups commit in)
 * — and a failing group is still isolated batch by batch.
 */
class PipelinedWriterTest {
  private static final String TENANT = Tenants.DEFAULT;

  private static DuckDbStorage open(Path dir, int overlapItems) {
    return DuckDbStorage.builder()
        .dataDir(dir)
        .memoryLimit("1GB")
        .threads(2)
        .maxBatchItems(64)
        .overlapItems(overlapItems)
        .build();
  }

  @Test
  void overlappingGroups_storeAndDeriveExactlyWhatSerialGroupsDo(@TempDir Path dir)
      throws Exception {
    TelemetryGenerator generator =
        TelemetryGenerator.builder().seed(11).spansPerTrace(9).errorRate(0.2).build();
    long from = generator.clock() - TimeUnit.HOURS.toNanos(1);
    List<List<Span>> traces = new ArrayList<>();
    for (int i = 0; i < 400; i++) traces.add(generator.nextTrace());
    long to = generator.clock() + TimeUnit.HOURS.toNanos(1);
    // spans of one trace spread over batches, callers sometimes after their children
    List<Span> all = new ArrayList<>();
    traces.forEach(all::addAll);
    Collections.shuffle(all, new Random(5));
    List<List<Span>> batches = new ArrayList<>();
    Random sizes = new Random(6);
    for (int i = 0; i < all.size(); ) {
      int n = Math.min(all.size() - i, 1 + sizes.nextInt(40));
      batches.add(List.copyOf(all.subList(i, i + n)));
      i += n;
    }

    Stored overlapping;
    try (DuckDbStorage storage = open(dir.resolve("overlap"), 1)) {
      writeConcurrently(storage, batches);
      overlapping = Stored.read(storage, traces, from, to);
      assertThat(storage.groupCommitWriter().overlappedGroups()).isPositive();
    }
    Stored serial;
    try (DuckDbStorage storage = open(dir.resolve("serial"), Integer.MAX_VALUE)) {
      writeConcurrently(storage, batches);
      serial = Stored.read(storage, traces, from, to);
    }

    assertThat(overlapping.spans()).isEqualTo(all.size());
    assertThat(overlapping.summaries()).hasSize(traces.size());
    assertThat(overlapping.edges()).isEqualTo(expectedEdges(all)).isNotEmpty();
    assertThat(overlapping).isEqualTo(serial);
  }

  @Test
  void failingGroup_whileTheNextIsAppended_failsOnlyItsBatch(@TempDir Path dir) throws Exception {
    try (DuckDbStorage storage = open(dir, 1)) {
      GroupCommitWriter writer = storage.groupCommitWriter();
      writer.beforeCommit =
          rows -> {
            if (rows.stream().anyMatch(r -> r.span().name().equals("poison"))) {
              throw new IllegalStateException("injected failure");
            }
          };
      TelemetryGenerator generator = TelemetryGenerator.builder().seed(3).spansPerTrace(4).build();
      List<List<Span>> good = new ArrayList<>();
      List<CompletableFuture<Void>> goodWrites = new ArrayList<>();
      List<CompletableFuture<Void>> poisonWrites = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        List<Span> trace = generator.nextTrace();
        if (i % 7 == 3) {
          List<Span> poisoned = new ArrayList<>(trace);
          poisoned.set(1, trace.get(1).toBuilder().name("poison").build());
          poisonWrites.add(storage.writer().writeSpans(poisoned));
        } else {
          good.add(trace);
          goodWrites.add(storage.writer().writeSpans(trace));
        }
      }
      CompletableFuture.allOf(goodWrites.toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
      for (CompletableFuture<Void> w : poisonWrites) {
        assertThat(w).failsWithin(Duration.ofSeconds(60));
      }
      for (List<Span> trace : good) {
        assertThat(storage.traceReader().getTrace(TENANT, trace.get(0).traceId()))
            .hasSameSizeAs(trace);
      }
      assertThat(storage.writer().queuedItems()).isZero();
      assertThat(storage.check().healthy()).isTrue();
    }
  }

  /** Calls from a CLIENT or PRODUCER span to a child of another service, from the spans alone. */
  private static Map<String, Long> expectedEdges(List<Span> spans) {
    Map<String, Span> byId = new java.util.HashMap<>();
    for (Span s : spans) byId.put(s.traceId() + "/" + s.spanId(), s);
    Map<String, Long> edges = new java.util.TreeMap<>();
    for (Span child : spans) {
      Span parent = byId.get(child.traceId() + "/" + child.parentSpanId());
      if (parent == null) continue;
      if (parent.kind() != SpanKind.CLIENT && parent.kind() != SpanKind.PRODUCER) continue;
      String from = parent.serviceName();
      String to = child.serviceName();
      if (!from.equals(to)) edges.merge(from + "->" + to, 1L, Long::sum);
    }
    return edges;
  }

  @Test
  void aWriteCompletesOnlyAfterItsCommit_evenWhileTheNextGroupIsAppended(@TempDir Path dir)
      throws Exception {
    try (DuckDbStorage storage = open(dir, 1)) {
      StalledCommit stall = StalledCommit.install(storage.groupCommitWriter());
      TelemetryGenerator generator = TelemetryGenerator.builder().seed(4).spansPerTrace(5).build();
      List<Span> first = generator.nextTrace();
      List<Span> second = generator.nextTrace();
      CompletableFuture<Void> stalled = storage.writer().writeSpans(first);
      assertThat(stall.awaitInCommit()).isTrue();
      // the next group is appended on the other connection meanwhile, but commits only after
      CompletableFuture<Void> next = storage.writer().writeSpans(second);
      assertThat(stalled).isNotDone();
      assertThat(next).isNotDone();
      assertThat(storage.traceReader().getTrace(TENANT, first.get(0).traceId())).isEmpty();
      stall.release();
      stalled.get(30, TimeUnit.SECONDS);
      next.get(30, TimeUnit.SECONDS);
      assertThat(storage.traceReader().getTrace(TENANT, first.get(0).traceId())).hasSize(5);
      assertThat(storage.traceReader().getTrace(TENANT, second.get(0).traceId())).hasSize(5);
    }
  }

  @Test
  void close_withGroupsInFlight_settlesEveryWrite_andKeepsWhatItAcknowledged(@TempDir Path dir)
      throws Exception {
    TelemetryGenerator generator = TelemetryGenerator.builder().seed(8).spansPerTrace(6).build();
    List<List<Span>> traces = new ArrayList<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    try (DuckDbStorage storage = open(dir, 1)) {
      for (int i = 0; i < 300; i++) {
        List<Span> trace = generator.nextTrace();
        traces.add(trace);
        writes.add(storage.writer().writeSpans(trace));
      }
    } // close() right away, groups still appending and committing
    for (CompletableFuture<Void> w : writes) assertThat(w).isDone();
    try (DuckDbStorage reopened = open(dir, 1)) {
      for (int i = 0; i < traces.size(); i++) {
        List<Span> stored = reopened.traceReader().getTrace(TENANT, traces.get(i).get(0).traceId());
        if (!writes.get(i).isCompletedExceptionally()) assertThat(stored).hasSize(6);
        else assertThat(stored).isEmpty();
      }
    }
  }

  private static void writeConcurrently(DuckDbStorage storage, List<List<Span>> batches)
      throws Exception {
    ConcurrentLinkedQueue<List<Span>> todo = new ConcurrentLinkedQueue<>(batches);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Void>> writes = Collections.synchronizedList(new ArrayList<>());
      List<java.util.concurrent.Future<?>> submitters = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        submitters.add(
            threads.submit(
                () -> {
                  for (List<Span> b; (b = todo.poll()) != null; ) {
                    writes.add(storage.writer().writeSpans(b));
                  }
                }));
      }
      for (var s : submitters) s.get(60, TimeUnit.SECONDS);
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
  }

  /** What a store answers about the written traces, in comparable form. */
  private record Stored(
      long spans,
      Set<TraceSummary> summaries,
      List<String> red,
      Map<String, Long> edges,
      long edgeCalls,
      String services) {
    static Stored read(DuckDbStorage storage, List<List<Span>> traces, long from, long to) {
      long spans = 0;
      for (List<Span> t : traces) {
        spans += storage.traceReader().getTrace(TENANT, t.get(0).traceId()).size();
      }
      Set<TraceSummary> summaries =
          new LinkedHashSet<>(
              storage
                  .traceReader()
                  .searchTraces(
                      new TraceQuery(
                          TENANT, null, null, null, null, false, Map.of(), from, to, 10_000)));
      List<String> red =
          storage
              .spanMetricsReader()
              .orElseThrow()
              .query(
                  new SpanMetricsQuery(
                      TENANT,
                      null,
                      null,
                      Set.of(SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL),
                      from,
                      to,
                      0,
                      SpanMetricsQuery.GroupBy.OPERATION))
              .stream()
              .map(SpanMetricsPoint::toString)
              .sorted()
              .toList();
      List<ServiceEdge> edges =
          storage.spanMetricsReader().orElseThrow().serviceEdges(TENANT, from, to);
      Map<String, Long> byPair =
          edges.stream()
              .collect(
                  Collectors.toMap(
                      e -> e.client() + "->" + e.server(),
                      ServiceEdge::calls,
                      Long::sum,
                      java.util.TreeMap::new));
      long calls = edges.stream().mapToLong(ServiceEdge::calls).sum();
      String services =
          storage.traceReader().services(TENANT, from, to).stream()
              .sorted(Comparator.comparing(s -> s.service()))
              .map(Object::toString)
              .collect(Collectors.joining("\n"));
      return new Stored(spans, summaries, red, byPair, calls, services);
    }
  }
}
