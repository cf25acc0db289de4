package dev.sightline.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.otlp.receiver.RequestTenant;
import dev.sightline.query.ApiResponse;
import dev.sightline.query.InvalidParameterException;
import dev.sightline.query.QueryParameters;
import dev.sightline.query.QueryService;
import dev.sightline.slo.Objective;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertState;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.alerting.SpecRejectedException;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.slo.evaluation.ObjectiveEvaluation;
import dev.sightline.slo.evaluation.SliCalculator;
import dev.sightline.slo.evaluation.SloEvaluation;
import dev.sightline.slo.evaluation.WindowBurnRate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLO and alert API (docs/api.md): {@code GET /api/v1/slos}, {@code GET|PUT|DELETE
 * /api/v1/slos/{name}}, {@code POST /api/v1/slos}, {@code GET /api/v1/alerts}. Times are RFC 3339
 * strings; burn rates of windows without events are null.
 */
public final class SloApi {
  private static final Logger logger = LoggerFactory.getLogger(SloApi.class);
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final long MAX_SPEC_BYTES = 1 << 20;
  private static final Duration DEFAULT_SERIES_RANGE = Duration.ofHours(6);
  private static final Duration DEFAULT_SERIES_STEP = Duration.ofMinutes(1);
  private static final Duration MAX_SERIES_STEP = Duration.ofDays(366);

  private final Function<String, SloMonitor> monitors;
  private final Function<String, SloMonitor> creating;
  private final Clock clock;

  /**
   * Serves each caller the SLOs of its tenant ({@link RequestTenant}) only.
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

  /** The monitor of the current request's tenant (the blocking executor keeps the context). */
  private SloMonitor monitor() {
    return monitors.apply(RequestTenant.current());
  }

  public void bind(ServerBuilder sb) {
    sb.route().get("/api/v1/slos").build((ctx, req) -> run(ctx, this::list));
    sb.route()
        .get("/api/v1/slos/{name}")
        .build((ctx, req) -> run(ctx, () -> one(ctx.pathParam("name"), params(ctx))));
    sb.route()
        .post("/api/v1/slos")
        .maxRequestLength(MAX_SPEC_BYTES)
        .build((ctx, req) -> withBody(ctx, req, null));
    sb.route()
        .put("/api/v1/slos/{name}")
        .maxRequestLength(MAX_SPEC_BYTES)
        .build((ctx, req) -> withBody(ctx, req, ctx.pathParam("name")));
    sb.route()
        .delete("/api/v1/slos/{name}")
        .build(
            (ctx, req) ->
                run(
                    ctx,
                    () -> {
                      monitor().registry().delete(ctx.pathParam("name"));
                      return new ApiResponse(204, new byte[0]);
                    }));
    sb.route().get("/api/v1/alerts").build((ctx, req) -> run(ctx, () -> alerts(params(ctx))));
  }

  private HttpResponse withBody(
      ServiceRequestContext ctx,
      com.linecorp.armeria.common.HttpRequest req,
      @Nullable String name) {
    CompletableFuture<HttpResponse> f =
        req.aggregate()
            .thenApplyAsync(
                (AggregatedHttpRequest agg) ->
                    respond(
                        ctx,
                        () -> {
                          String yaml = agg.content(StandardCharsets.UTF_8);
                          if (yaml.isBlank()) {
                            return QueryService.error(
                                400, null, "the body must be OpenSLO YAML (kind: SLO)");
                          }
                          SloMonitor monitor = creating.apply(RequestTenant.of(ctx));
                          Slo slo = monitor.registry().put(name, yaml);
                          return render(
                              name == null ? 201 : 200,
                              g ->
                                  writeSlo(g, monitor, slo, monitor.latest(slo.metadata().name())));
                        }),
                ctx.blockingTaskExecutor());
    return HttpResponse.of(f);
  }

  private static QueryParameters params(ServiceRequestContext ctx) {
    Map<String, String> params = new LinkedHashMap<>();
    QueryParams qp = ctx.queryParams();
    for (String n : qp.names()) params.put(n, qp.get(n));
    return QueryParameters.of(params);
  }

  private HttpResponse run(ServiceRequestContext ctx, Supplier<ApiResponse> call) {
    return HttpResponse.of(
        CompletableFuture.supplyAsync(() -> respond(ctx, call), ctx.blockingTaskExecutor()));
  }

  private static HttpResponse respond(ServiceRequestContext ctx, Supplier<ApiResponse> call) {
    ApiResponse r;
    try {
      r = call.get();
    } catch (InvalidParameterException e) {
      r = QueryService.error(400, e.parameter(), e.getMessage());
    } catch (SpecRejectedException e) {
      r = rejected(e);
    } catch (RuntimeException e) {
      r = InternalErrors.of(ctx, logger, "SLO API call", e);
    }
    if (r.status() == 204) return HttpResponse.of(HttpStatus.NO_CONTENT);
    return HttpResponse.of(
        ResponseHeaders.of(
            HttpStatus.valueOf(r.status()), "content-type", MediaType.JSON_UTF_8.toString()),
        HttpData.wrap(r.json()));
  }

  private static ApiResponse rejected(SpecRejectedException e) {
    return render(
        e.status(),
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeNumberField("status", e.status());
          g.writeStringField("message", e.getMessage());
          if (!e.problems().isEmpty()) {
            g.writeArrayFieldStart("problems");
            for (SloProblem p : e.problems()) writeProblem(g, p);
            g.writeEndArray();
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private ApiResponse list() {
    SloMonitor monitor = monitor();
    List<Slo> slos = monitor.registry().slos();
    List<SloProblem> problems = monitor.registry().problems();
    return render(
        200,
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

  private ApiResponse one(String name, QueryParameters p) {
    for (String n : p.names()) {
      if (!Set.of("start", "end", "step", "windows").contains(n)) {
        throw new InvalidParameterException(
            n, "unknown parameter; known: end, start, step, windows");
      }
    }
    SloMonitor monitor = monitor();
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
    return render(
        200,
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

  private ApiResponse alerts(QueryParameters p) {
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
    for (Alert a : monitor().engine().alerts()) {
      if (wanted != null && a.state() != wanted) continue;
      if (slo != null && !a.slo().equals(slo)) continue;
      out.add(a);
    }
    return render(
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("alerts");
          for (Alert a : out) writeAlert(g, a);
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** The alert JSON of {@code GET /api/v1/alerts}. */
  public static void writeAlert(JsonGenerator g, Alert a) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", a.id());
    g.writeStringField("fingerprint", a.fingerprint());
    g.writeStringField("slo", a.slo());
    writeNullable(g, "objective", a.objective());
    g.writeStringField("service", a.service());
    g.writeStringField("severity", a.responsibility().severity().name());
    g.writeStringField("state", a.state().name().toLowerCase(java.util.Locale.ROOT));
    g.writeStringField("rule", a.rule());
    g.writeStringField("ruleSeverity", a.ruleSeverity());
    g.writeStringField("since", a.since().toString());
    writeInstant(g, "resolvedAt", a.resolvedAt());
    writeNullable(g, "resolvedReason", a.resolvedReason());
    g.writeStringField("updatedAt", a.updatedAt().toString());
    writeRates(g, "burnRates", a.burnRates());
    writeNumber(g, "budgetRemaining", a.budgetRemaining());
    writeRates(g, "currentBurnRates", a.currentBurnRates());
    writeNumber(g, "currentBudgetRemaining", a.currentBudgetRemaining());
    writeNullable(
        g,
        "runbook",
        a.responsibility().runbook() == null ? null : a.responsibility().runbook().toString());
    writeNullable(g, "owner", a.responsibility().owner());
    g.writeStringField("respondBy", a.respondBy().toString());
    g.writeEndObject();
  }

  private static void writeSlo(
      JsonGenerator g, SloMonitor monitor, Slo slo, java.util.Optional<SloEvaluation> latest)
      throws IOException {
    String name = slo.metadata().name();
    g.writeStartObject();
    g.writeStringField("name", name);
    writeNullable(g, "displayName", slo.metadata().displayName());
    writeNullable(g, "description", slo.description());
    g.writeStringField("service", slo.service());
    writeNullable(g, "source", monitor.registry().source(name).orElse(null));
    g.writeStringField("timeWindow", Alert.windowLabel(slo.timeWindow().duration()));
    g.writeStringField("severity", slo.responsibility().severity().name());
    writeNullable(g, "owner", slo.responsibility().owner());
    writeNullable(
        g,
        "runbook",
        slo.responsibility().runbook() == null ? null : slo.responsibility().runbook().toString());
    g.writeStringField("respondWithin", Alert.windowLabel(slo.responsibility().respondWithin()));
    List<Alert> alerts = monitor.engine().firing();
    if (latest.isPresent() && latest.get() instanceof SloEvaluation.Unsupported u) {
      g.writeStringField("status", "unsupported");
      g.writeStringField("reason", u.reason());
    } else if (latest.isPresent()) {
      g.writeStringField("status", "evaluated");
      SloEvaluation.Evaluated ev = (SloEvaluation.Evaluated) latest.get();
      g.writeStringField("evaluatedAt", ev.asOf().toString());
      // how far back the scope's data reaches: rules are judged once it covers their requirement
      if (ev.dataCoverage() != null) {
        g.writeNumberField("dataCoverageSeconds", ev.dataCoverage().toSeconds());
      } else {
        g.writeNullField("dataCoverageSeconds");
      }
    } else {
      g.writeStringField("status", "pending");
    }
    List<ObjectiveEvaluation> evals =
        latest.isPresent() && latest.get() instanceof SloEvaluation.Evaluated e
            ? e.objectives()
            : List.of();
    g.writeArrayFieldStart("objectives");
    for (int i = 0; i < slo.objectives().size(); i++) {
      Objective o = slo.objectives().get(i);
      ObjectiveEvaluation e = i < evals.size() ? evals.get(i) : null;
      String fingerprint = name + "/" + i;
      Alert firing =
          alerts.stream().filter(a -> a.fingerprint().equals(fingerprint)).findFirst().orElse(null);
      g.writeStartObject();
      writeNullable(g, "displayName", o.displayName());
      g.writeNumberField("target", o.target());
      if (e != null) {
        WindowBurnRate sloWindow =
            e.windows().stream()
                .filter(w -> w.window().equals(slo.timeWindow().duration()))
                .findFirst()
                .orElse(null);
        writeNumber(g, "sli", sloWindow == null ? Double.NaN : 1 - sloWindow.errorRatio());
        if (sloWindow != null) {
          g.writeNumberField("good", sloWindow.good());
          g.writeNumberField("total", sloWindow.total());
        }
        writeNumber(g, "budgetRemaining", e.budgetRemaining());
        g.writeObjectFieldStart("burnRates");
        for (WindowBurnRate w : e.windows())
          writeNumber(g, Alert.windowLabel(w.window()), w.burnRate());
        g.writeEndObject();
        g.writeArrayFieldStart("rules");
        for (var r : e.rules()) {
          g.writeStartObject();
          g.writeStringField("name", r.rule().name());
          g.writeStringField("severity", r.rule().severity());
          g.writeStringField("longWindow", Alert.windowLabel(r.rule().longWindow()));
          g.writeStringField("shortWindow", Alert.windowLabel(r.rule().shortWindow()));
          g.writeNumberField("threshold", r.rule().threshold());
          writeNumber(g, "longBurnRate", r.longBurnRate());
          writeNumber(g, "shortBurnRate", r.shortBurnRate());
          g.writeBooleanField("enoughTraffic", r.enoughTraffic());
          g.writeStringField("requiredCoverage", Alert.windowLabel(r.rule().requiredCoverage()));
          g.writeBooleanField("warmingUp", !r.covered());
          g.writeBooleanField("fires", r.fires());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeStringField("alertState", firing != null ? "firing" : "inactive");
      writeNullable(g, "alertId", firing != null ? firing.id() : null);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeProblem(JsonGenerator g, SloProblem p) throws IOException {
    g.writeStartObject();
    g.writeStringField("file", p.file());
    g.writeNumberField("line", p.line());
    g.writeStringField("field", p.field());
    g.writeStringField("message", p.message());
    g.writeStringField("text", p.toString());
    g.writeEndObject();
  }

  private static void writeRates(JsonGenerator g, String field, Map<String, Double> rates)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Double> e : rates.entrySet()) writeNumber(g, e.getKey(), e.getValue());
    g.writeEndObject();
  }

  private static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isFinite(v)) g.writeNumberField(field, v);
    else g.writeNullField(field);
  }

  private static void writeNullable(JsonGenerator g, String field, @Nullable String v)
      throws IOException {
    if (v == null) g.writeNullField(field);
    else g.writeStringField(field, v);
  }

  private static void writeInstant(JsonGenerator g, String field, @Nullable Instant v)
      throws IOException {
    writeNullable(g, field, v == null ? null : v.toString());
  }

  /** Writes the body of a JSON response. */
  @FunctionalInterface
  interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  static ApiResponse render(int status, JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ApiResponse(status, out.toByteArray());
  }
}
