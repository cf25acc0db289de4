package dev.sightline.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Ids;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanKind;
import dev.sightline.core.storage.DurationHistogram;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.core.storage.MetricQuery;
import dev.sightline.core.storage.ServiceEdge;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.SpanMetricsPoint;
import dev.sightline.core.storage.SpanMetricsQuery;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The query API over a {@link StorageComponent}: validates parameters, reads, renders JSON. Every
 * method blocks on storage and never throws for bad input: it answers 400 with a message naming the
 * parameter, or 404 for an unknown trace.
 */
public final class QueryService {
  static final JsonFactory JSON = JsonFactory.builder().build();

  private static final Set<String> TIME = Set.of("start", "end");
  private static final Set<String> TRACE_SEARCH =
      union(
          TIME,
          Set.of("service", "operation", "minDurationMs", "maxDurationMs", "status", "limit"));
  private static final Set<String> LOG_SEARCH =
      union(TIME, Set.of("traceId", "spanId", "service", "severityMin", "q", "limit"));
  private static final Set<String> METRIC_SEARCH = union(TIME, Set.of("name", "service", "limit"));
  private static final Set<String> RED =
      union(TIME, Set.of("service", "operation", "spanKind", "step", "groupBy"));
  private static final Set<String> SERVICES = union(TIME, Set.of("spanKind", "limit"));

  /** {@code /api/v1/services}: services listed by default, and at most. */
  static final int DEFAULT_SERVICES = 1_000;

  static final int MAX_SERVICES = 10_000;

  /** Operations listed per service in {@code /api/v1/services} (all: .../operations). */
  static final int MAX_OPERATIONS_PER_SERVICE = 200;

  /** Entry spans: the requests and messages a service handles. */
  private static final Set<SpanKind> ENTRY_KINDS = Set.of(SpanKind.SERVER, SpanKind.CONSUMER);

  private static final long BUCKET = SpanMetricsReader.BUCKET_NANOS;

  /** Whole hours of a long window are read by the hour (stores keep an hourly roll-up). */
  private static final long HOUR = 3_600_000_000_000L;

  private static final long MAX_RED_POINTS = 11_000;

  /** Default steps for {@code /api/v1/red}: the smallest giving at most 300 points. */
  private static final long[] DEFAULT_STEPS_SECONDS = {
    10, 30, 60, 300, 900, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400
  };

  private static final Map<String, Integer> SEVERITY_NAMES =
      Map.of(
          "TRACE", 1, "DEBUG", 5, "INFO", 9, "WARN", 13, "WARNING", 13, "ERROR", 17, "FATAL", 21);

  private final StorageComponent storage;
  private final Clock clock;
  private final Duration defaultLookback;

  private QueryService(Builder b) {
    this.storage = b.storage;
    this.clock = b.clock;
    this.defaultLookback = b.defaultLookback;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code GET /api/v1/traces/{traceId}}. */
  public ApiResponse getTrace(String tenant, String traceId, QueryParameters p) {
    try {
      rejectUnknown(p, Set.of(), false);
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
    if (!Ids.isValidTraceId(traceId)) {
      return error(400, "traceId", "must be 32 hex characters (16 bytes), not all zero");
    }
    String id = traceId.toLowerCase(Locale.ROOT);
    List<Span> spans = storage.traceReader().getTrace(tenant, id);
    if (spans.isEmpty()) return error(404, null, "trace " + id + " not found");
    return render(
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("traceId", id);
          g.writeArrayFieldStart("spans");
          for (Span s : spans) TelemetryJson.writeSpan(g, s);
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** {@code GET /api/v1/traces?...}. */
  public ApiResponse searchTraces(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, TRACE_SEARCH, true);
      long[] range = timeRange(p);
      String status = p.string("status");
      boolean errorsOnly = false;
      if (status != null) {
        if (status.equalsIgnoreCase("error")) errorsOnly = true;
        else if (!status.equalsIgnoreCase("any")) {
          throw new InvalidParameterException("status", "must be 'error' or 'any'");
        }
      }
      Long min = p.durationMsAsNanos("minDurationMs");
      Long max = p.durationMsAsNanos("maxDurationMs");
      if (min != null && max != null && max < min) {
        throw new InvalidParameterException("maxDurationMs", "must not be below minDurationMs");
      }
      Map<String, String> attributes = new LinkedHashMap<>();
      for (String name : p.names()) {
        if (name.startsWith("attr.")) {
          String key = name.substring(5);
          if (key.isEmpty()) throw new InvalidParameterException(name, "attribute key is empty");
          String value = p.string(name);
          attributes.put(key, value == null ? "" : value);
        }
      }
      TraceQuery query =
          new TraceQuery(
              tenant,
              p.string("service"),
              p.string("operation"),
              min,
              max,
              errorsOnly,
              attributes,
              range[0],
              range[1],
              p.intValue("limit", 20, 1, 1000));
      List<TraceSummary> traces = storage.traceReader().searchTraces(query);
      return list("traces", traces, TelemetryJson::writeTraceSummary);
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /** {@code GET /api/v1/logs?...}. */
  public ApiResponse searchLogs(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, LOG_SEARCH, false);
      long[] range = timeRange(p);
      String traceId = p.string("traceId");
      if (traceId != null) {
        if (!Ids.isValidTraceId(traceId)) {
          throw new InvalidParameterException("traceId", "must be 32 hex characters");
        }
        traceId = traceId.toLowerCase(Locale.ROOT);
      }
      String spanId = p.string("spanId");
      if (spanId != null) {
        if (!Ids.isValidSpanId(spanId)) {
          throw new InvalidParameterException("spanId", "must be 16 hex characters");
        }
        spanId = spanId.toLowerCase(Locale.ROOT);
      }
      LogQuery query =
          new LogQuery(
              tenant,
              traceId,
              spanId,
              p.string("service"),
              severity(p),
              p.string("q"),
              range[0],
              range[1],
              p.intValue("limit", 100, 1, 10_000));
      List<LogRecord> logs = storage.logReader().searchLogs(query);
      return list("logs", logs, TelemetryJson::writeLog);
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /** {@code GET /api/v1/metrics?...}: points grouped into series. */
  public ApiResponse metrics(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, METRIC_SEARCH, false);
      long[] range = timeRange(p);
      MetricQuery query =
          new MetricQuery(
              tenant,
              p.string("name"),
              p.string("service"),
              range[0],
              range[1],
              p.intValue("limit", 10_000, 1, 100_000));
      List<List<MetricPoint>> series = groupSeries(storage.metricReader().searchPoints(query));
      return list("series", series, TelemetryJson::writeSeries);
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /**
   * {@code GET /api/v1/metrics/chart?name=&service=}: the series of one metric ready to draw (see
   * {@link MetricCharts}): values, rates or percentiles per point, with each series' exemplars.
   */
  public ApiResponse metricChart(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, METRIC_SEARCH, false);
      String name = p.string("name");
      if (name == null || name.isBlank()) {
        throw new InvalidParameterException("name", "is required");
      }
      long[] range = timeRange(p);
      MetricQuery query =
          new MetricQuery(
              tenant,
              name,
              p.string("service"),
              range[0],
              range[1],
              p.intValue("limit", 10_000, 1, 100_000));
      List<List<MetricPoint>> series = groupSeries(storage.metricReader().searchPoints(query));
      return render(
          200,
          g -> {
            g.writeStartObject();
            g.writeStringField("name", name);
            MetricPoint first = series.isEmpty() ? null : series.get(0).get(0);
            MetricCharts.Display display =
                first == null
                    ? MetricCharts.Display.VALUE
                    : MetricCharts.display(first.type(), first.monotonic());
            g.writeStringField("type", first == null ? "GAUGE" : first.type().name());
            g.writeStringField("unit", first == null ? "" : first.unit());
            g.writeStringField("description", first == null ? "" : first.description());
            g.writeStringField("display", display.name().toLowerCase(Locale.ROOT));
            g.writeArrayFieldStart("series");
            for (List<MetricPoint> points : series) {
              MetricPoint head = points.get(0);
              // one display per chart: series of another type under the same name are left out
              if (head.type() != first.type() || head.monotonic() != first.monotonic()) continue;
              TelemetryJson.writeChartSeries(g, points, MetricCharts.points(points));
            }
            g.writeEndArray();
            g.writeEndObject();
          });
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /** {@code GET /api/v1/metrics/names}. */
  public ApiResponse metricNames(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, TIME, false);
      long[] range = timeRange(p);
      List<String> names = storage.metricReader().metricNames(tenant, range[0], range[1]);
      return list("names", names, (g, v) -> g.writeString(v));
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /**
   * {@code GET /api/v1/services}: each service with its operations and, when the backend derives
   * span metrics, RED over the window from its entry spans (SERVER and CONSUMER unless {@code
   * spanKind} says otherwise).
   */
  public ApiResponse services(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, SERVICES, false);
      long[] range = timeRange(p);
      Set<SpanKind> kinds = spanKinds(p, ENTRY_KINDS);
      int limit = p.intValue("limit", DEFAULT_SERVICES, 1, MAX_SERVICES);
      List<ServiceOperations> all = storage.traceReader().services(tenant, range[0], range[1]);
      boolean truncated = all.size() > limit;
      List<ServiceOperations> services = truncated ? all.subList(0, limit) : all;
      long start = floorTo(range[0], BUCKET);
      long end = ceilTo(range[1], BUCKET);
      Map<String, SpanMetricsPoint> red = new LinkedHashMap<>();
      SpanMetricsReader reader = storage.spanMetricsReader().orElse(null);
      if (reader != null) {
        for (SpanMetricsPoint point :
            reader.query(
                new SpanMetricsQuery(
                    tenant, null, null, kinds, start, end, 0, SpanMetricsQuery.GroupBy.SERVICE))) {
          red.put(point.service(), point);
        }
      }
      // the rate covers the data present: from a service's first bucket to the end of the window
      // (not past the current bucket), so that a service that appeared 6 minutes ago in a 24-hour
      // window shows its rate over those 6 minutes
      long rateEnd = Math.min(end, ceilTo(clock.millis() * 1_000_000L, BUCKET));
      Map<String, Long> firstBuckets =
          reader == null ? Map.of() : firstBuckets(reader, tenant, kinds, start, end, services);
      return render(
          200,
          g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("services");
            for (ServiceOperations s : services) {
              g.writeStartObject();
              g.writeStringField("name", s.service());
              g.writeArrayFieldStart("operations");
              List<ServiceOperations.Operation> ops = s.operations();
              for (ServiceOperations.Operation op :
                  ops.subList(0, Math.min(ops.size(), MAX_OPERATIONS_PER_SERVICE))) {
                g.writeStartObject();
                g.writeStringField("name", op.name());
                g.writeStringField("spanKind", op.spanKind());
                g.writeEndObject();
              }
              g.writeEndArray();
              if (ops.size() > MAX_OPERATIONS_PER_SERVICE) {
                g.writeBooleanField("operationsTruncated", true);
                g.writeNumberField("operationCount", ops.size());
              }
              if (reader != null) {
                long from = firstBuckets.getOrDefault(s.service(), start);
                writeRed(g, red.get(s.service()), Math.max(BUCKET, rateEnd - from) / 1e9);
              }
              g.writeEndObject();
            }
            g.writeEndArray();
            if (truncated) g.writeBooleanField("truncated", true);
            g.writeEndObject();
          });
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /**
   * The start of the first 10-second bucket with matching spans of each service in [start, end),
   * read so that a long window costs hours, not buckets: the partial first hour bucket by bucket,
   * the whole hours by the hour (a store answers hour-aligned steps from an hourly roll-up), then
   * bucket by bucket within the first hour of each service not seen in the partial first hour, and
   * the partial last hour when a listed service was not seen before it.
   */
  private static Map<String, Long> firstBuckets(
      SpanMetricsReader reader,
      String tenant,
      Set<SpanKind> kinds,
      long start,
      long end,
      List<ServiceOperations> listed) {
    Map<String, Long> first = new LinkedHashMap<>();
    long headEnd = Math.min(end, ceilTo(start, HOUR));
    firstBucketsIn(reader, tenant, kinds, start, headEnd, BUCKET, Set.of(), first);
    if (headEnd >= end) return first;
    long tailStart = Math.max(headEnd, floorTo(end, HOUR));
    Map<String, Long> firstHours = new LinkedHashMap<>();
    if (headEnd < tailStart) {
      firstBucketsIn(reader, tenant, kinds, headEnd, tailStart, HOUR, Set.of(), firstHours);
    }
    // bucket by bucket within each first hour, for the services first seen in it
    Map<Long, Set<String>> byHour = new java.util.TreeMap<>();
    firstHours.forEach(
        (service, hour) -> {
          if (!first.containsKey(service)) {
            byHour.computeIfAbsent(hour, h -> new java.util.TreeSet<>()).add(service);
          }
        });
    byHour.forEach(
        (hour, services) ->
            firstBucketsIn(
                reader, tenant, kinds, hour, Math.min(end, hour + HOUR), BUCKET, services, first));
    boolean allFound = true;
    for (ServiceOperations s : listed) allFound &= first.containsKey(s.service());
    if (tailStart < end && !allFound) {
      Map<String, Long> tail = new LinkedHashMap<>();
      firstBucketsIn(reader, tenant, kinds, tailStart, end, BUCKET, Set.of(), tail);
      tail.forEach(first::putIfAbsent);
    }
    return first;
  }

  /** Adds the first step with requests of each service in [from, to) to {@code first}. */
  private static void firstBucketsIn(
      SpanMetricsReader reader,
      String tenant,
      Set<SpanKind> kinds,
      long from,
      long to,
      long step,
      Set<String> services,
      Map<String, Long> first) {
    if (from >= to) return;
    for (SpanMetricsPoint p :
        reader.query(
            new SpanMetricsQuery(
                tenant,
                null,
                null,
                kinds,
                from,
                to,
                step,
                SpanMetricsQuery.GroupBy.SERVICE,
                services))) {
      if (p.requests() > 0) first.merge(p.service(), p.timeUnixNano(), Math::min);
    }
  }

  /**
   * {@code GET /api/v1/services/{service}/operations}: RED over the window per operation and span
   * kind of one service (every kind).
   */
  public ApiResponse operations(String tenant, String service, QueryParameters p) {
    try {
      rejectUnknown(p, TIME, false);
      long[] range = timeRange(p);
      long start = floorTo(range[0], BUCKET);
      long end = ceilTo(range[1], BUCKET);
      Optional<SpanMetricsReader> reader = storage.spanMetricsReader();
      if (reader.isEmpty()) return unsupported(StorageCapability.SPAN_METRICS);
      List<SpanMetricsPoint> points =
          reader
              .get()
              .query(
                  new SpanMetricsQuery(
                      tenant,
                      service,
                      null,
                      Set.of(),
                      start,
                      end,
                      0,
                      SpanMetricsQuery.GroupBy.OPERATION));
      double seconds = (end - start) / 1e9;
      return render(
          200,
          g -> {
            g.writeStartObject();
            g.writeStringField("service", service);
            g.writeNumberField("start", start);
            g.writeNumberField("end", end);
            g.writeArrayFieldStart("operations");
            for (SpanMetricsPoint point : points) {
              g.writeStartObject();
              g.writeStringField("name", point.operation());
              g.writeStringField(
                  "spanKind", point.spanKind() == null ? "" : point.spanKind().name());
              writeRed(g, point, seconds);
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          });
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /** {@code GET /api/v1/services/{service}/versions}: see {@link ServiceVersionsQuery}. */
  public ApiResponse serviceVersions(String tenant, String service, QueryParameters p) {
    return ServiceVersionsQuery.answer(storage, tenant, service, p, this::timeRange);
  }

  /**
   * {@code GET /api/v1/red}: a RED time series, one point per step from the aligned start to the
   * aligned end (steps without spans have zero requests and null percentiles); with {@code
   * groupBy=service}, one such series per service that has spans in the window.
   */
  public ApiResponse red(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, RED, false);
      long[] range = timeRange(p);
      String service = p.string("service");
      String operation = p.string("operation");
      Set<SpanKind> kinds = spanKinds(p, operation == null ? ENTRY_KINDS : Set.of());
      String groupBy = p.string("groupBy");
      if (groupBy != null && !groupBy.equals("service")) {
        throw new InvalidParameterException("groupBy", "expected 'service': '" + groupBy + "'");
      }
      boolean perService = groupBy != null;
      long step = step(p, range[1] - range[0]);
      long start = floorTo(range[0], step);
      long end = ceilTo(range[1], step);
      if ((end - start) / step > MAX_RED_POINTS) {
        throw new InvalidParameterException(
            "step", "too small for the range: more than " + MAX_RED_POINTS + " points");
      }
      Optional<SpanMetricsReader> reader = storage.spanMetricsReader();
      if (reader.isEmpty()) return unsupported(StorageCapability.SPAN_METRICS);
      List<SpanMetricsPoint> points =
          reader
              .get()
              .query(
                  new SpanMetricsQuery(
                      tenant,
                      service,
                      operation,
                      kinds,
                      start,
                      end,
                      step,
                      perService
                          ? SpanMetricsQuery.GroupBy.SERVICE
                          : SpanMetricsQuery.GroupBy.NONE));
      // per service (sorted by name; one series for all when not grouped), points by time
      Map<String, Map<Long, SpanMetricsPoint>> series = new java.util.TreeMap<>();
      if (!perService) series.put("", new LinkedHashMap<>());
      for (SpanMetricsPoint point : points) {
        String key = perService ? point.service() : "";
        series.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(point.timeUnixNano(), point);
      }
      double seconds = step / 1e9;
      return render(
          200,
          g -> {
            g.writeStartObject();
            if (service != null) g.writeStringField("service", service);
            if (operation != null) g.writeStringField("operation", operation);
            g.writeArrayFieldStart("spanKinds");
            for (SpanKind k : SpanKind.values()) if (kinds.contains(k)) g.writeString(k.name());
            g.writeEndArray();
            g.writeNumberField("start", start);
            g.writeNumberField("end", end);
            g.writeNumberField("stepSeconds", step / 1_000_000_000L);
            if (!perService) {
              writeRedPoints(g, series.get(""), start, end, step, seconds);
            } else {
              g.writeArrayFieldStart("series");
              for (Map.Entry<String, Map<Long, SpanMetricsPoint>> e : series.entrySet()) {
                g.writeStartObject();
                g.writeStringField("service", e.getKey());
                writeRedPoints(g, e.getValue(), start, end, step, seconds);
                g.writeEndObject();
              }
              g.writeEndArray();
            }
            g.writeEndObject();
          });
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /** {@code "points": [...]}, one per step from {@code start} to {@code end}. */
  private static void writeRedPoints(
      JsonGenerator g,
      Map<Long, SpanMetricsPoint> byTime,
      long start,
      long end,
      long step,
      double seconds)
      throws IOException {
    g.writeArrayFieldStart("points");
    for (long t = start; t < end; t += step) {
      g.writeStartObject();
      g.writeNumberField("timeUnixNano", t);
      writeRed(g, byTime.get(t), seconds);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * {@code GET /api/v1/service-map}: caller → callee edges from span pairs whose child starts in
   * the window (computed from stored spans at query time).
   */
  public ApiResponse serviceMap(String tenant, QueryParameters p) {
    try {
      rejectUnknown(p, TIME, false);
      long[] range = timeRange(p);
      Optional<SpanMetricsReader> reader = storage.spanMetricsReader();
      if (reader.isEmpty()) return unsupported(StorageCapability.SPAN_METRICS);
      List<ServiceEdge> edges = reader.get().serviceEdges(tenant, range[0], range[1]);
      double seconds = (range[1] - range[0]) / 1e9;
      return render(
          200,
          g -> {
            g.writeStartObject();
            g.writeNumberField("start", range[0]);
            g.writeNumberField("end", range[1]);
            g.writeArrayFieldStart("edges");
            for (ServiceEdge e : edges) {
              g.writeStartObject();
              g.writeStringField("client", e.client());
              g.writeStringField("server", e.server());
              g.writeStringField(
                  "connection", e.callerKind() == SpanKind.PRODUCER ? "messaging" : "request");
              writeRed(g, "calls", e.calls(), e.errors(), e.durations(), seconds);
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          });
    } catch (InvalidParameterException e) {
      return error(400, e.parameter(), e.getMessage());
    }
  }

  /** requests, errors, rate (per second), errorRatio, p50Ms/p95Ms/p99Ms (null without spans). */
  private static void writeRed(JsonGenerator g, @Nullable SpanMetricsPoint point, double seconds)
      throws IOException {
    if (point == null) writeRed(g, "requests", 0, 0, null, seconds);
    else writeRed(g, "requests", point.requests(), point.errors(), point.durations(), seconds);
  }

  private static void writeRed(
      JsonGenerator g,
      String countField,
      long requests,
      long errors,
      @Nullable DurationHistogram durations,
      double seconds)
      throws IOException {
    g.writeNumberField(countField, requests);
    g.writeNumberField("errors", errors);
    g.writeNumberField("rate", requests / seconds);
    if (requests == 0) g.writeNullField("errorRatio");
    else g.writeNumberField("errorRatio", (double) errors / requests);
    for (double q : new double[] {0.50, 0.95, 0.99}) {
      String name = "p" + Math.round(q * 100) + "Ms";
      if (durations == null || requests == 0) g.writeNullField(name);
      else g.writeNumberField(name, durations.quantileNanos(q) / 1e6);
    }
  }

  /** 501 Not Implemented: the backend lacks {@code capability}, which the endpoint needs. */
  private ApiResponse unsupported(StorageCapability capability) {
    return error(501, null, capability.missingIn(storage));
  }

  /** Comma-separated span kinds, case-insensitive, or {@code any}. */
  private static Set<SpanKind> spanKinds(QueryParameters p, Set<SpanKind> defaults) {
    String v = p.string("spanKind");
    if (v == null) return defaults;
    if (v.trim().equalsIgnoreCase("any")) return Set.of();
    Set<SpanKind> kinds = new java.util.HashSet<>();
    for (String part : v.split(",")) {
      try {
        kinds.add(SpanKind.valueOf(part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException(
            "spanKind",
            "'"
                + part.trim()
                + "' is not one of any, unspecified, internal, server, client, producer, consumer");
      }
    }
    return kinds;
  }

  /**
   * {@code step}: seconds as an integer or with a unit ({@code 30s}, {@code 5m}, {@code 1h}, {@code
   * 1d}), a positive multiple of 10 s; by default the smallest of 10 s, 30 s, 1 m, 5 m, 15 m, 30 m,
   * 1 h, 3 h, 6 h, 12 h, 1 d that gives at most 300 points.
   */
  private static long step(QueryParameters p, long rangeNanos) {
    String v = p.string("step");
    if (v == null) {
      for (long seconds : DEFAULT_STEPS_SECONDS) {
        if (rangeNanos / (seconds * 1_000_000_000L) <= 300) return seconds * 1_000_000_000L;
      }
      return ceilTo(rangeNanos / 300, 86_400_000_000_000L);
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
    switch (last) {
      case 's' -> s = s.substring(0, s.length() - 1);
      case 'm' -> {
        unit = 60;
        s = s.substring(0, s.length() - 1);
      }
      case 'h' -> {
        unit = 3_600;
        s = s.substring(0, s.length() - 1);
      }
      case 'd' -> {
        unit = 86_400;
        s = s.substring(0, s.length() - 1);
      }
      default -> {}
    }
    long seconds;
    try {
      seconds = Math.multiplyExact(Long.parseLong(s), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidParameterException(
          "step", "expected seconds or a duration such as 30s, 5m, 1h: '" + v + "'");
    }
    if (seconds <= 0 || seconds % 10 != 0 || seconds > 366L * 86_400) {
      throw new InvalidParameterException(
          "step", "must be a positive multiple of 10 seconds, at most 366 days: '" + v + "'");
    }
    return seconds * 1_000_000_000L;
  }

  private static long floorTo(long t, long unit) {
    return Math.floorDiv(t, unit) * unit;
  }

  private static long ceilTo(long t, long unit) {
    return -Math.floorDiv(-t, unit) * unit;
  }

  /** Writes one element of a list response. */
  @FunctionalInterface
  private interface ItemWriter<T> {
    void write(JsonGenerator g, T item) throws IOException;
  }

  /** A 200 response {@code {"field": [items]}}. */
  private static <T> ApiResponse list(String field, List<T> items, ItemWriter<T> writer) {
    return render(
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart(field);
          for (T item : items) writer.write(g, item);
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** A JSON error body: {@code {"error": {"status", "message", "parameter"?}}}. */
  public static ApiResponse error(int status, @Nullable String parameter, String message) {
    return render(
        status,
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeNumberField("status", status);
          g.writeStringField("message", message);
          if (parameter != null) g.writeStringField("parameter", parameter);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private long[] timeRange(QueryParameters p) {
    long now = clock.millis() * 1_000_000L;
    Long end = p.timeAsUnixNanos("end");
    Long start = p.timeAsUnixNanos("start");
    long e = end != null ? end : now;
    // the default start never precedes the epoch: an end near it must not give a negative range
    long s = start != null ? start : Math.max(0, e - defaultLookback.toNanos());
    if (e <= s) throw new InvalidParameterException("end", "must be after start");
    return new long[] {s, e};
  }

  private static @Nullable Integer severity(QueryParameters p) {
    String v = p.string("severityMin");
    if (v == null) return null;
    Integer named = SEVERITY_NAMES.get(v.trim().toUpperCase(Locale.ROOT));
    if (named != null) return named;
    Long n = p.longValue("severityMin", 1, 24);
    return n == null ? null : n.intValue();
  }

  static void rejectUnknown(QueryParameters p, Set<String> known, boolean allowAttr) {
    for (String name : p.names()) {
      if (known.contains(name) || (allowAttr && name.startsWith("attr."))) continue;
      List<String> sorted = new ArrayList<>(known);
      if (allowAttr) sorted.add("attr.KEY");
      sorted.sort(null);
      throw new InvalidParameterException(
          name,
          sorted.isEmpty()
              ? "this endpoint takes no parameters"
              : "unknown parameter; known: " + String.join(", ", sorted));
    }
  }

  /**
   * Groups points into series by (name, type, resource, scope, attributes), keeping the storage
   * order of points within a series and the order of first appearance across series.
   */
  static List<List<MetricPoint>> groupSeries(List<MetricPoint> points) {
    Map<SeriesKey, List<MetricPoint>> series = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      SeriesKey key =
          new SeriesKey(
              p.name(),
              p.type().name(),
              p.resource().attributes(),
              p.scope().name(),
              p.attributes());
      series.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
    }
    for (List<MetricPoint> s : series.values()) {
      s.sort((a, b) -> Long.compare(a.timeUnixNano(), b.timeUnixNano()));
    }
    return new ArrayList<>(series.values());
  }

  private record SeriesKey(
      String name, String type, Attributes resource, String scope, Attributes attributes) {}

  @FunctionalInterface
  interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  static ApiResponse render(int status, JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ApiResponse(status, out.toByteArray());
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.HashSet<String> s = new java.util.HashSet<>(a);
    s.addAll(b);
    return Set.copyOf(s);
  }

  /** Builder; {@code storage} is required. */
  public static final class Builder {
    private @Nullable StorageComponent storage;
    private Clock clock = Clock.systemUTC();
    private Duration defaultLookback = Duration.ofHours(24);

    private Builder() {}

    public Builder storage(StorageComponent storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How far back searches look when {@code start} is not given (default 24 h). */
    public Builder defaultLookback(Duration defaultLookback) {
      Objects.requireNonNull(defaultLookback, "defaultLookback");
      if (defaultLookback.isNegative() || defaultLookback.isZero()) {
        throw new IllegalArgumentException("defaultLookback must be positive");
      }
      this.defaultLookback = defaultLookback;
      return this;
    }

    public QueryService build() {
      if (storage == null) throw new IllegalStateException("storage is required");
      return new QueryService(this);
    }
  }
}
