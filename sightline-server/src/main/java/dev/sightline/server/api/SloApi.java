package dev.sightline.server.api;

import static dev.sightline.server.api.ApiJson.writeInstant;
import static dev.sightline.server.api.ApiJson.writeNullable;
import static dev.sightline.server.api.ApiJson.writeNumber;
import static dev.sightline.server.api.SloJson.writeAlert;
import static dev.sightline.server.api.SloJson.writeProblem;
import static dev.sightline.server.api.SloJson.writeSlo;

import dev.sightline.query.InvalidParameterException;
import dev.sightline.query.QueryParameters;
import dev.sightline.server.auth.Role;
import dev.sightline.slo.Objective;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.alerting.SpecRejectedException;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.slo.evaluation.SliCalculator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The SLO and alert API (docs/api.md): {@code GET /api/v1/slos}, {@code GET|PUT|DELETE
 * /api/v1/slos/{name}}, {@code POST /api/v1/slos}, {@code GET /api/v1/alerts}. Times are RFC 3339
 * strings; burn rates of windows without events are null.
 */
public final class SloApi {
  private static final int MAX_SPEC_BYTES = 1 << 20;
  private static final Duration DEFAULT_SERIES_RANGE = Duration.ofHours(6);
  private static final Duration DEFAULT_SERIES_STEP = Duration.ofMinutes(1);
  private static final Duration MAX_SERIES_STEP = Duration.ofDays(366);

  private final Function<String, SloMonitor> monitors;
  private final Function<String, SloMonitor> creating;
  private final Clock clock;

  /**
   * Serves each caller the SLOs of its tenant ({@link ApiCall#tenant()}) only.
   *
   * @param monitors the monitor of a tenant; for a tenant without SLOs, an empty one
   * @param creating the monitor of a tenant, created when it has none (storing an SLO)
   */
  public SloApi(
      Function<String, SloMonitor> monitors, Function<String, SloMonitor> creating, Clock clock) {
    this.monitors = monitors;
    this.creating = creating;
    this.clock = clock;
  }

  /** Declares the SLO and alert routes. */
  public void register(ApiRoutes routes) {
    routes
        .get("slos", "/api/v1/slos", Role.READ, c -> list(monitors.apply(c.tenant())))
        .get("slo", "/api/v1/slos/{name}", Role.READ, c -> one(c, c.path("name")))
        .add(
            ApiRoute.post("slo_create", "/api/v1/slos", Role.WRITE).maxBodyBytes(MAX_SPEC_BYTES),
            c -> store(c, null))
        .add(
            ApiRoute.put("slo_put", "/api/v1/slos/{name}", Role.WRITE).maxBodyBytes(MAX_SPEC_BYTES),
            c -> store(c, c.path("name")))
        .delete(
            "slo_delete",
            "/api/v1/slos/{name}",
            Role.WRITE,
            c -> {
              monitors.apply(c.tenant()).registry().delete(c.path("name"));
              return ApiResult.noContent();
            })
        .get("alerts", "/api/v1/alerts", Role.READ, this::alerts);
  }

  /** {@code POST /api/v1/slos} ({@code name} null: 201) or {@code PUT /api/v1/slos/{name}}. */
  private ApiResult store(ApiCall c, @Nullable String name) {
    String yaml = c.text();
    if (yaml.isBlank()) {
      throw ApiException.badRequest(null, "the body must be OpenSLO YAML (kind: SLO)");
    }
    SloMonitor monitor = creating.apply(c.tenant());
    Slo slo = monitor.registry().put(name, yaml);
    return ApiResult.json(
        name == null ? 201 : 200,
        g -> writeSlo(g, monitor, slo, monitor.latest(slo.metadata().name())));
  }

  private static ApiResult list(SloMonitor monitor) {
    List<Slo> slos = monitor.registry().slos();
    List<SloProblem> problems = monitor.registry().problems();
    return ApiResult.ok(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("slos");
          for (Slo slo : slos) writeSlo(g, monitor, slo, monitor.latest(slo.metadata().name()));
          g.writeEndArray();
          g.writeArrayFieldStart("problems");
          for (SloProblem p : problems) writeProblem(g, p);
          g.writeEndArray();
          writeInstant(g, "evaluatedAt", monitor.lastTick());
          g.writeEndObject();
        });
  }

  private ApiResult one(ApiCall c, String name) {
    QueryParameters p = c.params();
    for (String n : p.names()) {
      if (!Set.of("start", "end", "step", "windows").contains(n)) {
        throw new InvalidParameterException(
            n, "unknown parameter; known: end, start, step, windows");
      }
    }
    SloMonitor monitor = monitors.apply(c.tenant());
    Slo slo =
        monitor
            .registry()
            .slo(name)
            .orElseThrow(() -> new SpecRejectedException(404, "no SLO named " + name));
    Long endParam = p.timeAsUnixNanos("end");
    long end = endParam != null ? endParam : clock.millis() * 1_000_000L;
    Long startParam = p.timeAsUnixNanos("start");
    long start = startParam != null ? startParam : end - DEFAULT_SERIES_RANGE.toNanos();
    if (end <= start) throw new InvalidParameterException("end", "must be after start");
    Duration step = DEFAULT_SERIES_STEP;
    String stepText = p.string("step");
    if (stepText != null) {
      try {
        step = dev.sightline.server.config.ConfigLoader.parseDuration(stepText);
      } catch (RuntimeException e) {
        throw new InvalidParameterException("step", e.getMessage());
      }
      if (step.isNegative()
          || step.isZero()
          || step.compareTo(MAX_SERIES_STEP) > 0
          || step.toNanos() % 10_000_000_000L != 0) {
        throw new InvalidParameterException(
            "step", "must be a positive multiple of 10s, at most 366d");
      }
    }
    long stepNanos = step.toNanos();
    long alignedEnd = Math.floorDiv(end, 10_000_000_000L) * 10_000_000_000L;
    long alignedStart = alignedEnd - Math.floorDiv(alignedEnd - start, stepNanos) * stepNanos;
    if ((alignedEnd - alignedStart) / stepNanos > 2_000) {
      throw new InvalidParameterException("step", "too small for the range: more than 2000 points");
    }
    Map<Duration, List<SliCalculator.SeriesPoint>> series = new LinkedHashMap<>();
    String unsupported = SliCalculator.unsupportedReason(slo).orElse(null);
    if (unsupported == null) {
      SliCalculator calc = monitor.evaluator().calculator();
      for (Duration w : windows(slo, p.string("windows"))) {
        try {
          series.put(w, calc.series(slo, w, alignedStart, alignedEnd, step));
        } catch (IllegalArgumentException e) {
          throw new InvalidParameterException("step", e.getMessage());
        }
      }
    }
    return ApiResult.ok(
        g -> {
          g.writeStartObject();
          g.writeFieldName("slo");
          writeSlo(g, monitor, slo, monitor.latest(name));
          writeNullable(g, "spec", monitor.registry().spec(name).orElse(null));
          g.writeObjectFieldStart("burnRateSeries");
          g.writeStringField("start", Instant.ofEpochSecond(0, alignedStart).toString());
          g.writeStringField("end", Instant.ofEpochSecond(0, alignedEnd).toString());
          g.writeStringField("step", Alert.windowLabel(Duration.ofNanos(stepNanos)));
          if (unsupported != null) g.writeStringField("unsupported", unsupported);
          g.writeArrayFieldStart("objectives");
          for (Objective o : slo.objectives()) {
            g.writeStartObject();
            writeNullable(g, "displayName", o.displayName());
            g.writeNumberField("target", o.target());
            g.writeObjectFieldStart("windows");
            for (Map.Entry<Duration, List<SliCalculator.SeriesPoint>> e : series.entrySet()) {
              g.writeArrayFieldStart(Alert.windowLabel(e.getKey()));
              for (SliCalculator.SeriesPoint pt : e.getValue()) {
                g.writeStartObject();
                g.writeStringField("time", Instant.ofEpochSecond(0, pt.timeUnixNano()).toString());
                writeNumber(g, "burnRate", pt.errorRatio() / (1 - o.target()));
                g.writeNumberField("good", pt.good());
                g.writeNumberField("total", pt.total());
                g.writeEndObject();
              }
              g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * The windows of the series: every window of the SLO's rules and its SLO window, or those named
   * in {@code windows} (comma-separated labels such as {@code 1h,30d}; each must be one of them).
   */
  private static List<Duration> windows(Slo slo, @Nullable String wanted) {
    java.util.SortedSet<Duration> all = BurnRateEvaluator.windowsOf(slo);
    if (wanted == null) return List.copyOf(all);
    Map<String, Duration> byLabel = new LinkedHashMap<>();
    for (Duration w : all) byLabel.put(Alert.windowLabel(w), w);
    Set<Duration> chosen = new java.util.HashSet<>();
    for (String label : wanted.split(",", -1)) {
      Duration w = byLabel.get(label.trim());
      if (w == null) {
        throw new InvalidParameterException(
            "windows",
            "'"
                + label.trim()
                + "' is not a window of "
                + slo.metadata().name()
                + "; its windows: "
                + String.join(", ", byLabel.keySet()));
      }
      chosen.add(w);
    }
    return all.stream().filter(chosen::contains).toList();
  }

  private ApiResult alerts(ApiCall c) {
    QueryParameters p = c.params();
    for (String n : p.names()) {
      if (!n.equals("state") && !n.equals("slo")) {
        throw new InvalidParameterException(n, "unknown parameter; known: slo, state");
      }
    }
    String state = p.string("state");
    AlertState wanted = null;
    if (state != null) {
      try {
        wanted = AlertState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidParameterException("state", "expected firing or resolved");
      }
    }
    String slo = p.string("slo");
    List<Alert> out = new ArrayList<>();
    for (Alert a : monitors.apply(c.tenant()).engine().alerts()) {
      if (wanted != null && a.state() != wanted) continue;
      if (slo != null && !a.slo().equals(slo)) continue;
      out.add(a);
    }
    return ApiResult.ok(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("alerts");
          for (Alert a : out) writeAlert(g, a);
          g.writeEndArray();
          g.writeEndObject();
        });
  }
}
