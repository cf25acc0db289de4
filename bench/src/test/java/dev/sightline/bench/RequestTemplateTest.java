package dev.sightline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestTemplateTest {
  private static final long BASE = 1_763_712_000_000_000_000L;

  @Test
  void generatedTracesAreRealistic() {
    ExportTraceServiceRequest request = new ShopTraceGenerator(3, BASE).request(500);
    Map<ByteString, List<Span>> traces = byTrace(request);
    assertThat(spans(request).size()).isBetween(500, 519);
    Set<String> services = new HashSet<>();
    request
        .getResourceSpansList()
        .forEach(
            rs ->
                rs.getResource().getAttributesList().stream()
                    .filter(kv -> kv.getKey().equals("service.name"))
                    .forEach(kv -> services.add(kv.getValue().getStringValue())));
    assertThat(services).contains("frontend", "cart", "catalog").hasSizeGreaterThan(5);
    for (List<Span> trace : traces.values()) {
      assertThat(trace.size()).isBetween(10, 20);
      assertThat(trace.stream().filter(s -> s.getParentSpanId().isEmpty())).hasSize(1);
      Set<ByteString> ids = new HashSet<>();
      trace.forEach(s -> ids.add(s.getSpanId()));
      for (Span s : trace) {
        assertThat(s.getAttributesCount()).isEqualTo(10);
        assertThat(s.getEndTimeUnixNano()).isGreaterThan(s.getStartTimeUnixNano());
        if (!s.getParentSpanId().isEmpty()) assertThat(ids).contains(s.getParentSpanId());
      }
    }
  }

  @Test
  void stampGivesFreshIdsKeepsLinksAndShiftsTimes() throws Exception {
    ExportTraceServiceRequest original = new ShopTraceGenerator(5, BASE).request(300);
    RequestTemplate template = RequestTemplate.of(original);
    TraceIds ids = new TraceIds(42);
    long shift = 123_456_789L;

    ExportTraceServiceRequest stamped =
        ExportTraceServiceRequest.parseFrom(template.stamp(ids, 1000, shift));

    List<Span> before = spans(original);
    List<Span> after = spans(stamped);
    assertThat(after).hasSameSizeAs(before).hasSize(template.spans());
    // traces are numbered in order of first appearance, with sequence numbers 1000, 1001, ...
    List<ByteString> order = new ArrayList<>(byTrace(original).keySet());
    Map<ByteString, List<Span>> stampedTraces = byTrace(stamped);
    assertThat(stampedTraces).hasSize(template.traces());
    for (int t = 0; t < template.traces(); t++) {
      ByteString expected = ByteString.fromHex(ids.hex(1000 + t));
      assertThat(stampedTraces).containsKey(expected);
      assertThat(stampedTraces.get(expected)).hasSize(template.spansOfTrace(t));
      assertThat(byTrace(original).get(order.get(t))).hasSize(template.spansOfTrace(t));
    }
    Set<ByteString> spanIds = new HashSet<>();
    for (int i = 0; i < before.size(); i++) {
      Span b = before.get(i);
      Span a = after.get(i);
      assertThat(a.getSpanId()).isNotEqualTo(b.getSpanId()).hasSize(8);
      assertThat(a.getParentSpanId().isEmpty()).isEqualTo(b.getParentSpanId().isEmpty());
      assertThat(a.getStartTimeUnixNano()).isEqualTo(b.getStartTimeUnixNano() + shift);
      assertThat(a.getEndTimeUnixNano()).isEqualTo(b.getEndTimeUnixNano() + shift);
      for (int e = 0; e < b.getEventsCount(); e++) {
        assertThat(a.getEvents(e).getTimeUnixNano())
            .isEqualTo(b.getEvents(e).getTimeUnixNano() + shift);
      }
      assertThat(a.getName()).isEqualTo(b.getName());
      assertThat(a.getAttributesList()).isEqualTo(b.getAttributesList());
      spanIds.add(a.getSpanId());
    }
    for (Span a : after) {
      if (!a.getParentSpanId().isEmpty()) assertThat(spanIds).contains(a.getParentSpanId());
    }
    // a second stamp with other sequence numbers shares no trace id with the first
    ExportTraceServiceRequest next =
        ExportTraceServiceRequest.parseFrom(template.stamp(ids, 1000 + template.traces(), 0));
    assertThat(byTrace(next).keySet()).doesNotContainAnyElementsOf(stampedTraces.keySet());
  }

  @Test
  void traceIdsAreUniquePerSequence() {
    TraceIds ids = new TraceIds(7);
    Set<String> seen = new HashSet<>();
    Map<Long, Long> lows = new HashMap<>();
    for (long n = 0; n < 200_000; n++) {
      assertThat(seen.add(ids.hex(n))).isTrue();
      assertThat(lows.put(ids.low(n), n)).isNull();
    }
  }

  private static List<Span> spans(ExportTraceServiceRequest r) {
    List<Span> out = new ArrayList<>();
    r.getResourceSpansList()
        .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
    return out;
  }

  private static Map<ByteString, List<Span>> byTrace(ExportTraceServiceRequest r) {
    Map<ByteString, List<Span>> out = new LinkedHashMap<>();
    for (Span s : spans(r)) out.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
    return out;
  }
}
