package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.END;
import static dev.sightline.otlp.OtlpFixtures.LINK_SPAN_ID;
import static dev.sightline.otlp.OtlpFixtures.LINK_TRACE_ID;
import static dev.sightline.otlp.OtlpFixtures.PARENT_ID;
import static dev.sightline.otlp.OtlpFixtures.SPAN_ID;
import static dev.sightline.otlp.OtlpFixtures.START;
import static dev.sightline.otlp.OtlpFixtures.TRACE_ID;
import static dev.sightline.otlp.OtlpFixtures.id;
import static dev.sightline.otlp.OtlpFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.SpanLink;
import dev.sightline.core.model.StatusCode;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpanMapperTest {

  @Test
  void mapsEveryField() {
    MappedBatch<Span> batch = SpanMapper.map(OtlpFixtures.fullTraceRequest(), "acme");

    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
    assertThat(batch.fullyAccepted()).isTrue();
    assertThat(batch.items()).hasSize(2);
    Span expected =
        new Span(
            "acme",
            TRACE_ID,
            SPAN_ID,
            PARENT_ID,
            "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
            0x301,
            "SELECT orders",
            SpanKind.CLIENT,
            START,
            END,
            CoreExpectations.everyValueKind(),
            3,
            List.of(
                new SpanEvent(
                    START + 10,
                    "exception",
                    Attributes.ofStrings("exception.type", "java.sql.SQLException"),
                    4),
                new SpanEvent(START + 20, "retry", Attributes.empty(), 0)),
            5,
            List.of(
                new SpanLink(
                    LINK_TRACE_ID,
                    LINK_SPAN_ID,
                    "k=v",
                    Attributes.ofStrings("link.attr", "l"),
                    6,
                    1)),
            7,
            StatusCode.ERROR,
            "connection reset",
            CoreExpectations.resource(),
            CoreExpectations.scope());
    assertThat(batch.items().get(0)).isEqualTo(expected);

    Span root = batch.items().get(1);
    assertThat(root)
        .isEqualTo(
            Span.builder()
                .tenant("acme")
                .traceId(TRACE_ID)
                .spanId(PARENT_ID)
                .name("root")
                .kind(SpanKind.SERVER)
                .startTimeUnixNano(START - 5)
                .endTimeUnixNano(END + 5)
                .resource(CoreExpectations.resource())
                .scope(CoreExpectations.scope())
                .build());
    assertThat(root.isRoot()).isTrue();
  }

  @Test
  void sharesResourceAndScopeAcrossTheSpansOfOneScope() {
    List<Span> spans = SpanMapper.map(OtlpFixtures.fullTraceRequest(), "t").items();
    assertThat(spans.get(0).resource()).isSameAs(spans.get(1).resource());
    assertThat(spans.get(0).scope()).isSameAs(spans.get(1).scope());
  }

  @Test
  void mapsTheSpecExampleTraceIdToLowercase() throws Exception {
    String json =
        spansJson(
            spanJson(
                Map.of(
                    "traceId", "\"5B8EFFF798038103D269B633813FC60C\"",
                    "spanId", "\"EEE19B7EC3C1B174\"",
                    "parentSpanId", "\"EEE19B7EC3C1B173\"")));
    Span span = SpanMapper.map(OtlpJson.decodeTraces(utf8(json)), "t").items().get(0);
    assertThat(span.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(span.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(span.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
  }

  static Stream<Arguments> invalidSpans() {
    return Stream.of(
        Arguments.of(
            "base64 trace id",
            Map.of("traceId", "\"W47/95gDgQPSabYzgT/GDA==\""),
            "traceId is not hex: \"W47/95gDgQPSabYzgT/GDA==\" (OTLP/JSON trace and span ids are hex"
                + " strings, not base64)"),
        Arguments.of(
            "16 characters, not hex",
            Map.of("traceId", "\"abcdefghijklmnop\""),
            "traceId is not hex: \"abcdefghijklmnop\""),
        Arguments.of(
            "odd number of hex digits",
            Map.of("traceId", "\"5b8efff798038103d269b633813fc60\""),
            "traceId is not hex"),
        Arguments.of(
            "base64 span id",
            Map.of("spanId", "\"7uGbfsPBsXQ=\""),
            "spanId is not hex: \"7uGbfsPBsXQ=\""),
        Arguments.of(
            "base64 parent span id",
            Map.of("parentSpanId", "\"7uGbfsPBsXM=\""),
            "parentSpanId is not hex"),
        Arguments.of(
            "15-byte trace id",
            Map.of("traceId", "\"5b8efff798038103d269b633813fc6\""),
            "traceId must be 16 bytes / 32 hex characters (got 15 bytes)"),
        Arguments.of(
            "all-zero trace id",
            Map.of("traceId", "\"00000000000000000000000000000000\""),
            "traceId must not be all zeros"),
        Arguments.of("missing trace id", Map.of("traceId", "null"), "traceId is missing"),
        Arguments.of(
            "9-byte span id",
            Map.of("spanId", "\"eee19b7ec3c1b17400\""),
            "spanId must be 8 bytes / 16 hex characters (got 9 bytes)"),
        Arguments.of(
            "all-zero span id",
            Map.of("spanId", "\"0000000000000000\""),
            "spanId must not be all zeros"),
        Arguments.of("missing span id", Map.of("spanId", "\"\""), "spanId is missing"),
        Arguments.of(
            "4-byte parent span id",
            Map.of("parentSpanId", "\"eee19b7e\""),
            "parentSpanId must be 8 bytes / 16 hex characters (got 4 bytes)"),
        Arguments.of(
            "end before start",
            Map.of("startTimeUnixNano", "\"1000\"", "endTimeUnixNano", "\"999\""),
            "endTimeUnixNano (999) is before startTimeUnixNano (1000)"),
        Arguments.of(
            "no start time", Map.of("startTimeUnixNano", "null"), "startTimeUnixNano must be set"),
        Arguments.of(
            "start time beyond the signed range",
            Map.of("startTimeUnixNano", "\"9223372036854775808\"", "endTimeUnixNano", "null"),
            "startTimeUnixNano is out of range: 9223372036854775808"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpans")
  void rejectsOnlyTheInvalidSpan(String description, Map<String, String> fields, String problem)
      throws Exception {
    String json =
        spansJson(
            spanJson(Map.of("name", "\"first\"")),
            spanJson(fields),
            spanJson(Map.of("name", "\"third\"")));

    MappedBatch<Span> batch = SpanMapper.map(OtlpJson.decodeTraces(utf8(json)), "t");

    assertThat(batch.items()).extracting(Span::name).containsExactly("first", "third");
    assertThat(batch.rejected()).isEqualTo(1);
    // non-hex ids get a hint after the problem; everything else is the whole message
    assertThat(batch.errorMessage())
        .startsWith("1 span rejected: resourceSpans[0].scopeSpans[0].spans[1]: " + problem);
    if (!problem.contains("is not hex")) {
      assertThat(batch.errorMessage())
          .isEqualTo("1 span rejected: resourceSpans[0].scopeSpans[0].spans[1]: " + problem);
    } else {
      assertThat(batch.errorMessage())
          .endsWith("(OTLP/JSON trace and span ids are hex strings, not base64)");
    }
  }

  @Test
  void rejectsInvalidIdsArrivingAsProtobufToo() {
    var bad = OtlpFixtures.fullSpan().toBuilder().setTraceId(id("5b8efff798038103d269b633813fc6"));
    var request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder().addSpans(OtlpFixtures.fullSpan()).addSpans(bad)))
            .build();
    MappedBatch<Span> batch = SpanMapper.map(request, "t");
    assertThat(batch.items()).hasSize(1);
    assertThat(batch.errorMessage())
        .isEqualTo(
            "1 span rejected: resourceSpans[0].scopeSpans[0].spans[1]: traceId must be 16 bytes /"
                + " 32 hex characters (got 15 bytes)");
  }

  @Test
  void aRepeatedIdKeyKeepsTheLastValue() throws Exception {
    String valid = "\"" + TRACE_ID + "\"";
    String json =
        spansJson(
            "{\"traceId\":"
                + valid
                + ",\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\""
                + SPAN_ID
                + "\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}");
    MappedBatch<Span> batch = SpanMapper.map(OtlpJson.decodeTraces(utf8(json)), "t");
    assertThat(batch.rejected()).isEqualTo(1);
    assertThat(batch.errorMessage()).contains("traceId is not hex");
  }

  @Test
  void anAllZeroParentMeansRoot() throws Exception {
    String json = spansJson(spanJson(Map.of("parentSpanId", "\"0000000000000000\"")));
    MappedBatch<Span> batch = SpanMapper.map(OtlpJson.decodeTraces(utf8(json)), "t");
    assertThat(batch.rejected()).isZero();
    assertThat(batch.items().get(0).parentSpanId()).isEmpty();
    assertThat(batch.items().get(0).isRoot()).isTrue();
  }

  @Test
  void dropsInvalidLinksAndCountsThem() throws Exception {
    String links =
        "[{\"traceId\":\"%s\",\"spanId\":\"%s\",\"traceState\":\"a=b\"},"
                .formatted(LINK_TRACE_ID, LINK_SPAN_ID)
            + "{\"traceId\":\"5b8efff798038103d269b633813fc6\",\"spanId\":\"%s\"},"
                .formatted(LINK_SPAN_ID)
            + "{\"traceId\":\"%s\",\"spanId\":\"0000000000000000\"},".formatted(LINK_TRACE_ID)
            + "{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"%s\"},"
                .formatted(LINK_SPAN_ID)
            + "{}]";
    String json = spansJson(spanJson(Map.of("links", links, "droppedLinksCount", "2")));

    MappedBatch<Span> batch = SpanMapper.map(OtlpJson.decodeTraces(utf8(json)), "t");

    assertThat(batch.rejected()).isZero();
    Span span = batch.items().get(0);
    assertThat(span.links())
        .containsExactly(
            new SpanLink(LINK_TRACE_ID, LINK_SPAN_ID, "a=b", Attributes.empty(), 0, 0));
    assertThat(span.droppedLinksCount()).isEqualTo(2 + 4);
  }

  @Test
  void mapsUnknownEnumNumbersToUnspecified() throws Exception {
    String json =
        spansJson(spanJson(Map.of("kind", "42", "status", "{\"code\":7,\"message\":\"m\"}")));
    Span span = SpanMapper.map(OtlpJson.decodeTraces(utf8(json)), "t").items().get(0);
    assertThat(span.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(span.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.statusMessage()).isEqualTo("m");
  }

  @Test
  void summarisesManyRejections() throws Exception {
    List<String> spans = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) spans.add(spanJson(Map.of("traceId", "\"00\"")));
    spans.add(spanJson(Map.of()));
    for (int i = 1; i <= 6; i++) {
      spans.add(
          spanJson(
              Map.of("startTimeUnixNano", "\"" + (100 + i) + "\"", "endTimeUnixNano", "\"1\"")));
    }
    MappedBatch<Span> batch =
        SpanMapper.map(OtlpJson.decodeTraces(utf8(spansJson(spans.toArray(String[]::new)))), "t");

    assertThat(batch.items()).hasSize(1);
    assertThat(batch.rejected()).isEqualTo(9);
    assertThat(batch.errorMessage())
        .isEqualTo(
            "9 spans rejected: resourceSpans[0].scopeSpans[0].spans[0]: traceId must be 16 bytes"
                + " / 32 hex characters (got 1 byte) (and 2 more like this);"
                + " resourceSpans[0].scopeSpans[0].spans[4]: endTimeUnixNano (1) is before"
                + " startTimeUnixNano (101);"
                + " resourceSpans[0].scopeSpans[0].spans[5]: endTimeUnixNano (1) is before"
                + " startTimeUnixNano (102);"
                + " resourceSpans[0].scopeSpans[0].spans[6]: endTimeUnixNano (1) is before"
                + " startTimeUnixNano (103);"
                + " resourceSpans[0].scopeSpans[0].spans[7]: endTimeUnixNano (1) is before"
                + " startTimeUnixNano (104);"
                + " and 2 more with other problems");
  }

  @Test
  void locatesRejectionsAcrossResourcesAndScopes() {
    var bad = OtlpFixtures.fullSpan().toBuilder().clearSpanId().build();
    var request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(OtlpFixtures.fullSpan())))
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder())
                    .addScopeSpans(ScopeSpans.newBuilder())
                    .addScopeSpans(
                        ScopeSpans.newBuilder().addSpans(OtlpFixtures.fullSpan()).addSpans(bad)))
            .build();
    MappedBatch<Span> batch = SpanMapper.map(request, "t");
    assertThat(batch.items()).hasSize(2);
    assertThat(batch.errorMessage())
        .isEqualTo("1 span rejected: resourceSpans[1].scopeSpans[2].spans[1]: spanId is missing");
    // different resources: different Resource instances, both empty here.
    assertThat(batch.items().get(1).resource())
        .isEqualTo(dev.sightline.core.model.Resource.empty());
  }

  @Test
  void requiresATenant() {
    assertThatThrownBy(() -> SpanMapper.map(ExportTraceServiceRequest.getDefaultInstance(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tenant");
  }

  @Test
  void anEmptyRequestMapsToAnEmptyBatch() {
    MappedBatch<Span> batch = SpanMapper.map(ExportTraceServiceRequest.getDefaultInstance(), "t");
    assertThat(batch.items()).isEmpty();
    assertThat(batch.rejected()).isZero();
    assertThat(batch.errorMessage()).isEmpty();
  }

  /** A valid span as JSON, with {@code overrides} replacing or adding fields (raw JSON values). */
  static String spanJson(Map<String, String> overrides) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("traceId", "\"" + TRACE_ID + "\"");
    fields.put("spanId", "\"" + SPAN_ID + "\"");
    fields.put("name", "\"span\"");
    fields.put("startTimeUnixNano", "\"" + START + "\"");
    fields.put("endTimeUnixNano", "\"" + END + "\"");
    fields.putAll(overrides);
    return fields.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  static String spansJson(String... spans) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + String.join(",", spans) + "]}]}]}";
  }
}
