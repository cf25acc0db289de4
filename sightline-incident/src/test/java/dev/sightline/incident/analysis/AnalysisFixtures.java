package dev.sightline.incident.analysis;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;

/** Hand-built spans for the analysis tests: times in milliseconds after a fixed epoch. */
public final class AnalysisFixtures {
  /** 2026-11-21T10:00:00Z in Unix nanoseconds. */
  public static final long T0 = 1_795_255_200_000_000_000L;

  private AnalysisFixtures() {}

  public static long ms(double millis) {
    return T0 + (long) (millis * 1_000_000);
  }

  public static String traceId(int n) {
    return String.format("%032x", n + 1);
  }

  public static String spanId(String name) {
    return String.format("%016x", name.hashCode() & 0xffffffffL);
  }

  /** A span whose id is derived from {@code id} and whose parent is {@code parent} (or none). */
  public static Span.Builder span(
      int trace, String id, String parent, String service, String name, double start, double end) {
    return Span.builder()
        .traceId(traceId(trace))
        .spanId(spanId(id))
        .parentSpanId(parent.isEmpty() ? "" : spanId(parent))
        .name(name)
        .kind(SpanKind.INTERNAL)
        .startTimeUnixNano(ms(start))
        .endTimeUnixNano(ms(end))
        .resource(Resource.of(Attributes.ofStrings("service.name", service)));
  }
}
