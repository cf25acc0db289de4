package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.storage.clickhouse.AttrIndexRows.Row;
import dev.sightline.testing.TelemetryGenerator;
import dev.sightline.testing.TestObjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AttrIndexRows}: the {@code attr_index} rows of a batch, deduplicated per (day, tenant,
 * trace, key, value) with the first and last start; the exactness of searches through them is
 * {@code ClickHouseTraceLookupsTest}'s.
 */
class AttrIndexRowsTest {
  static final long T0 = 1_767_225_000_000_000_000L; // 2025-12-31T23:50:00Z

  static Span span(String traceId, String spanId, long start, Attributes own, Resource resource) {
    return TestObjects.FRONTEND_ROOT.toBuilder()
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId("")
        .startTimeUnixNano(start)
        .endTimeUnixNano(start + 1_000)
        .attributes(own)
        .resource(resource)
        .build();
  }

  static Resource resource(String... keyValues) {
    return new Resource(Attributes.ofStrings(keyValues), 0, "");
  }

  static final String TRACE_A = "0af7651916cd43dd8448eb211c80319c";
  static final String TRACE_B = "1af7651916cd43dd8448eb211c80319c";

  @Test
  void spansOfOneTrace_shareRows_withTheirFirstAndLastStart() {
    Resource r = resource("service.name", "shop", "host.name", "h1");
    List<Span> spans =
        List.of(
            span(TRACE_A, "00000000000000a1", T0 + 30, Attributes.ofStrings("m", "GET"), r),
            span(TRACE_A, "00000000000000a2", T0 + 10, Attributes.ofStrings("m", "GET"), r),
            span(TRACE_A, "00000000000000a3", T0 + 20, Attributes.ofStrings("m", "POST"), r),
            span(TRACE_B, "00000000000000b1", T0 + 40, Attributes.ofStrings("m", "GET"), r));
    String tenant = spans.get(0).tenant();
    long day = Days.epochDay(T0);
    assertThat(AttrIndexRows.rows(spans, IndexedKeys.ALL))
        .containsExactly(
            new Row(day, tenant, TRACE_A, "m", "GET", T0 + 10, T0 + 30),
            new Row(day, tenant, TRACE_A, "service.name", "shop", T0 + 10, T0 + 30),
            new Row(day, tenant, TRACE_A, "host.name", "h1", T0 + 10, T0 + 30),
            new Row(day, tenant, TRACE_A, "m", "POST", T0 + 20, T0 + 20),
            new Row(day, tenant, TRACE_B, "m", "GET", T0 + 40, T0 + 40),
            new Row(day, tenant, TRACE_B, "service.name", "shop", T0 + 40, T0 + 40),
            new Row(day, tenant, TRACE_B, "host.name", "h1", T0 + 40, T0 + 40));
  }

  @Test
  void aSpanValue_winsOverTheResourceValue_keyOnlyInResource_isIndexed() {
    Resource r = resource("host.name", "resource-host", "zone", "z1");
    List<Span> spans =
        List.of(
            span(
                TRACE_A, "00000000000000a1", T0, Attributes.ofStrings("host.name", "span-host"), r),
            span(TRACE_A, "00000000000000a2", T0 + 5, Attributes.empty(), r));
    List<String> kv = new ArrayList<>();
    for (Row row : AttrIndexRows.rows(spans, IndexedKeys.ALL)) {
      kv.add(row.key() + "=" + row.value() + "@" + (row.first() - T0) + "-" + (row.last() - T0));
    }
    // the first span's own host.name hides its resource's; the second span has only the resource's
    assertThat(kv)
        .containsExactly("host.name=span-host@0-0", "zone=z1@0-5", "host.name=resource-host@5-5");
  }

  /** A run of spans of one resource, one of them hiding a resource key: each span's rows right. */
  @Test
  void aRunOfOneResource_withASpanHidingAResourceKey() {
    Resource r = resource("host.name", "resource-host", "zone", "z1");
    List<Span> spans =
        List.of(
            span(TRACE_A, "00000000000000a1", T0 + 1, Attributes.empty(), r),
            span(TRACE_A, "00000000000000a2", T0 + 2, Attributes.ofStrings("host.name", "own"), r),
            span(TRACE_A, "00000000000000a3", T0 + 3, Attributes.empty(), r),
            span(TRACE_A, "00000000000000a4", T0 + 4, Attributes.empty(), r));
    List<String> kv = new ArrayList<>();
    for (Row row : AttrIndexRows.rows(spans, IndexedKeys.ALL)) {
      kv.add(row.key() + "=" + row.value() + "@" + (row.first() - T0) + "-" + (row.last() - T0));
    }
    assertThat(kv)
        .containsExactly("host.name=resource-host@1-4", "zone=z1@1-4", "host.name=own@2-2");
  }

  @Test
  void onlyTheIndexedKeys_ofSpansAndResources() {
    Resource r = resource("service.name", "shop", "host.name", "h1");
    List<Span> spans =
        List.of(
            span(TRACE_A, "00000000000000a1", T0, Attributes.ofStrings("m", "GET", "u", "1"), r),
            span(TRACE_A, "00000000000000a2", T0 + 1, Attributes.ofStrings("m", "PUT"), r));
    assertThat(AttrIndexRows.rows(spans, IndexedKeys.of(List.of("u", "host.name"))))
        .extracting(row -> row.key() + "=" + row.value())
        .containsExactly("u=1", "host.name=h1");
    assertThat(AttrIndexRows.rows(spans, IndexedKeys.of(List.of()))).isEmpty();
    assertThat(AttrIndexRows.encode(spans, IndexedKeys.of(List.of()))).isEmpty();
  }

  @Test
  void indexedKeys_roundTripTheirRecord() {
    IndexedKeys keys = IndexedKeys.of(List.of("b", "a\n'\"", "🚀"));
    assertThat(IndexedKeys.parse(keys.encode())).isEqualTo(keys);
    assertThat(IndexedKeys.parse(IndexedKeys.ALL.encode())).isEqualTo(IndexedKeys.ALL);
    assertThat(IndexedKeys.parse(IndexedKeys.of(List.of()).encode()).keys()).isEmpty();
    assertThat(IndexedKeys.of(List.of("x")).condition("k")).isEqualTo("k IN ('x')");
    assertThat(IndexedKeys.ALL.condition("k")).isEmpty();
  }

  @Test
  void daysAndTenantsAreApart_hostileAndLongValuesAreKeptAsTheyAre() {
    String hostile = "q' \" \\ \n\u0000 é 🚀";
    String longValue = "x".repeat(20_000);
    Resource r = resource(hostile, longValue);
    long midnight = T0 + Duration.ofMinutes(10).toNanos();
    List<Span> spans =
        List.of(
            span(TRACE_A, "00000000000000a1", midnight - 1, Attributes.empty(), r),
            span(TRACE_A, "00000000000000a2", midnight, Attributes.empty(), r),
            span(TRACE_A, "00000000000000a3", midnight + 1, Attributes.empty(), r).toBuilder()
                .tenant("other")
                .build());
    List<Row> rows = AttrIndexRows.rows(spans, IndexedKeys.ALL);
    assertThat(rows).hasSize(3);
    assertThat(rows).extracting(Row::key).containsOnly(hostile);
    assertThat(rows).extracting(Row::value).containsOnly(longValue);
    assertThat(rows)
        .extracting(Row::day)
        .containsExactly(
            Days.epochDay(midnight - 1), Days.epochDay(midnight), Days.epochDay(midnight));
    assertThat(rows)
        .extracting(Row::tenant)
        .containsExactly(spans.get(0).tenant(), spans.get(0).tenant(), "other");
  }

  /** Generated traces (a shop's: 15 spans, ~10 attributes each): far fewer rows than attributes. */
  @Test
  void generatedTraces_needFewerRowsThanAttributes() {
    TelemetryGenerator generator =
        TelemetryGenerator.builder().startTimeUnixNano(T0).spansPerTrace(15).build();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 30; i++) spans.addAll(generator.nextTrace());
    long attributes = 0;
    for (Span s : spans) {
      attributes += s.attributes().asMap().size();
      for (String k : s.resource().attributes().asMap().keySet()) {
        if (s.attributes().get(k) == null) attributes++;
      }
    }
    int rows = AttrIndexRows.rows(spans, IndexedKeys.ALL).size();
    assertThat(rows).isLessThan((int) attributes);
    assertThat(AttrIndexRows.encode(spans, IndexedKeys.ALL)).isNotEmpty();
  }
}
