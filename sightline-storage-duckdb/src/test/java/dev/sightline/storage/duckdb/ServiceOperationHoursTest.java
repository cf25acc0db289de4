package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service_operations}: {@code services} answers exactly what the stored spans say for ranges
 * that cut hours anywhere, whatever the arrival order, the batches, compaction, retention, a
 * restart or an upgrade of a directory written before the table existed. Every answer is checked
 * against the same question asked of the spans in Java.
 */
class ServiceOperationHoursTest {
  private static final long HOUR = ServiceOperationHours.HOUR_NANOS;
  private static final long MINUTE = 60_000_000_000L;

  @TempDir Path dir;

  /** Hour-aligned, six hours before now. */
  private long base;

  private final List<Span> stored = new ArrayList<>();
  private final Random random = new Random(42);

  @BeforeEach
  void setUp() {
    base = (TestObjects.NOW_NANOS / HOUR - 6) * HOUR;
  }

  /** Spans of 3 services × 4 operations at random times over 5 hours, in random order. */
  private List<Span> randomSpans(int n, int idOffset) {
    List<Span> spans = new ArrayList<>();
    SpanKind[] kinds = {SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL};
    for (int i = 0; i < n; i++) {
      int service = random.nextInt(3);
      spans.add(
          TestObjects.span(
                  TestObjects.TENANT,
                  TestObjects.traceId(idOffset + i),
                  String.format("%016x", idOffset + i + 1),
                  "",
                  "svc-" + service,
                  "op-" + random.nextInt(4),
                  base + (long) (random.nextDouble() * 5 * HOUR),
                  TestObjects.MILLI)
              .toBuilder()
              .kind(kinds[random.nextInt(kinds.length)])
              .build());
    }
    return spans;
  }

  private void write(DuckDbStorage storage, List<Span> spans) throws Exception {
    // a few batches, each its own commit group
    for (int i = 0; i < spans.size(); i += 37) {
      storage
          .writer()
          .writeSpans(spans.subList(i, Math.min(spans.size(), i + 37)))
          .get(30, TimeUnit.SECONDS);
    }
    stored.addAll(spans);
  }

  /** What the spans say: the triples of spans starting in [start, end), sorted as the API. */
  private List<ServiceOperations> expected(long start, long end) {
    Map<String, TreeSet<String>> byService = new TreeMap<>();
    for (Span s : stored) {
      long t = s.startTimeUnixNano();
      if (t < start || t >= end) continue;
      byService
          .computeIfAbsent(s.serviceName(), k -> new TreeSet<>())
          .add(s.name() + "\u0000" + s.kind().name());
    }
    List<ServiceOperations> out = new ArrayList<>();
    byService.forEach(
        (service, ops) -> {
          List<ServiceOperations.Operation> list = new ArrayList<>();
          for (String op : ops) {
            String[] parts = op.split("\u0000");
            list.add(new ServiceOperations.Operation(parts[0], parts[1]));
          }
          list.sort(
              Comparator.comparing(ServiceOperations.Operation::name)
                  .thenComparing(ServiceOperations.Operation::spanKind));
          out.add(new ServiceOperations(service, list));
        });
    return out;
  }

  /** Ranges on and off hour boundaries, short and long, inside one hour and across several. */
  private void assertExact(DuckDbStorage storage) {
    List<long[]> ranges = new ArrayList<>();
    ranges.add(new long[] {base, base + 5 * HOUR});
    ranges.add(new long[] {base - HOUR, base + 24 * HOUR});
    ranges.add(new long[] {base + HOUR, base + 3 * HOUR});
    ranges.add(new long[] {base + 17 * MINUTE, base + 2 * HOUR + 3 * MINUTE});
    ranges.add(new long[] {base + HOUR + 59 * MINUTE, base + 2 * HOUR + MINUTE});
    ranges.add(new long[] {base + 2 * HOUR, base + 2 * HOUR + 7 * MINUTE});
    ranges.add(new long[] {base + 2 * HOUR + 5 * MINUTE, base + 2 * HOUR + 7 * MINUTE});
    for (int i = 0; i < 40; i++) {
      long a = base - HOUR / 2 + (long) (random.nextDouble() * 6 * HOUR);
      long length = (long) (Math.pow(random.nextDouble(), 3) * 3 * HOUR) + 1;
      ranges.add(new long[] {a, a + length});
    }
    for (long[] r : ranges) {
      assertThat(storage.traceReader().services(TestObjects.TENANT, r[0], r[1]))
          .as("[%s, %s)", r[0] - base, r[1] - base)
          .isEqualTo(expected(r[0], r[1]));
    }
  }

  private long rows() throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM service_operations")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void outOfOrderSpansInManyBatches_compactionAndRestart_stayExact() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, randomSpans(400, 0));
      assertExact(storage);
      assertThat(storage.compactServiceOperations(Long.MIN_VALUE, Long.MAX_VALUE)).isPositive();
      assertExact(storage);
      // late spans into hours already compacted
      write(storage, randomSpans(100, 1_000));
      assertExact(storage);
    }
    long before = rows();
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertExact(storage);
    }
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void retention_cuttingAnHour_leavesTheRemainingSpansExactly() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, randomSpans(400, 0));
      long cutoff = base + 2 * HOUR + 23 * MINUTE;
      storage.deleteBefore(cutoff);
      stored.removeIf(s -> s.startTimeUnixNano() < cutoff);
      assertExact(storage);
      // and on an hour boundary
      storage.deleteBefore(base + 3 * HOUR);
      stored.removeIf(s -> s.startTimeUnixNano() < base + 3 * HOUR);
      assertExact(storage);
    }
  }

  @Test
  void directoryWithoutTheTable_getsItFromItsSpansAtOpen() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, randomSpans(300, 0));
    }
    // as a directory written before the table existed
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE service_operations");
      s.execute("DELETE FROM sightline_meta WHERE key = '" + ServiceOperationHours.SINCE_KEY + "'");
    }
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertExact(storage);
      write(storage, randomSpans(50, 1_000));
      assertExact(storage);
    }
  }

  @Test
  void interruptedDerivation_withoutTheKey_isRebuiltNotAddedTo() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      write(storage, randomSpans(200, 0));
      storage.compactServiceOperations(Long.MIN_VALUE, Long.MAX_VALUE);
    }
    long compacted = rows();
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM sightline_meta WHERE key = '" + ServiceOperationHours.SINCE_KEY + "'");
    }
    try (DuckDbStorage storage = DuckDbStorageTest.openWritingDerivedPerGroup(dir)) {
      assertExact(storage);
    }
    assertThat(rows()).isEqualTo(compacted); // derived afresh: one row per key and hour
  }
}
