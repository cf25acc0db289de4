package dev.sightline.server.api;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.otlp.receiver.RequestTenant;
import dev.sightline.query.ApiResponse;
import dev.sightline.query.QueryParameters;
import dev.sightline.query.QueryService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the JSON query API ({@code /api/v1/...}, see docs/api.md), {@code /healthz} and the
 * Prometheus {@code /metrics} on a server builder. Storage reads run on Armeria's blocking task
 * executor, never on an event loop.
 */
public final class QueryApi {
  private static final Logger logger = LoggerFactory.getLogger(QueryApi.class);

  private final QueryService queries;
  private final StorageComponent storage;
  private final SelfTelemetry telemetry;
  private final SelfTelemetry.Histogram latency;

  public QueryApi(QueryService queries, StorageComponent storage, SelfTelemetry telemetry) {
    this.queries = queries;
    this.storage = storage;
    this.telemetry = telemetry;
    this.latency =
        telemetry.histogram(
            "sightline_api_request_duration_seconds",
            "Query API latency by endpoint.",
            SelfTelemetry.LATENCY_BUCKETS,
            "endpoint");
  }

  public void bind(ServerBuilder sb) {
    sb.route()
        .get("/api/v1/traces/{traceId}")
        .build(
            (ctx, req) ->
                run(
                    ctx,
                    "trace",
                    (tenant, p) -> queries.getTrace(tenant, ctx.pathParam("traceId"), p)));
    sb.route().get("/api/v1/traces").build((ctx, req) -> run(ctx, "traces", queries::searchTraces));
    sb.route().get("/api/v1/logs").build((ctx, req) -> run(ctx, "logs", queries::searchLogs));
    sb.route()
        .get("/api/v1/metrics/names")
        .build((ctx, req) -> run(ctx, "metric_names", queries::metricNames));
    sb.route()
        .get("/api/v1/metrics/chart")
        .build((ctx, req) -> run(ctx, "metric_chart", queries::metricChart));
    sb.route().get("/api/v1/metrics").build((ctx, req) -> run(ctx, "metrics", queries::metrics));
    sb.route().get("/api/v1/services").build((ctx, req) -> run(ctx, "services", queries::services));
    sb.route()
        .get("/api/v1/services/{service}/operations")
        .build(
            (ctx, req) ->
                run(
                    ctx,
                    "operations",
                    (tenant, p) -> queries.operations(tenant, ctx.pathParam("service"), p)));
    sb.route()
        .get("/api/v1/services/{service}/versions")
        .build(
            (ctx, req) ->
                run(
                    ctx,
                    "service_versions",
                    (tenant, p) -> queries.serviceVersions(tenant, ctx.pathParam("service"), p)));
    sb.route().get("/api/v1/red").build((ctx, req) -> run(ctx, "red", queries::red));
    sb.route()
        .get("/api/v1/service-map")
        .build((ctx, req) -> run(ctx, "service_map", queries::serviceMap));
    sb.serviceUnder(
        "/api/",
        (ctx, req) ->
            json(
                QueryService.error(
                    404, null, "no such endpoint: " + ctx.method() + " " + ctx.path())));
    bindHealthAndMetrics(sb, storage, telemetry);
  }

  /** {@code GET /healthz} (200 when storage is healthy, else 503) and {@code GET /metrics}. */
  public static void bindHealthAndMetrics(
      ServerBuilder sb, StorageComponent storage, SelfTelemetry telemetry) {
    sb.route()
        .get("/healthz")
        .build(
            (ctx, req) ->
                HttpResponse.of(
                    CompletableFuture.supplyAsync(
                        () -> {
                          CheckResult check = storage.check();
                          String body =
                              check.healthy()
                                  ? "{\"status\":\"ok\"}"
                                  : "{\"status\":\"unhealthy\",\"storage\":"
                                      + quote(String.valueOf(check.message()))
                                      + "}";
                          return HttpResponse.of(
                              check.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                              MediaType.JSON_UTF_8,
                              body);
                        },
                        ctx.blockingTaskExecutor())));
    sb.route()
        .get("/metrics")
        .build(
            (ctx, req) ->
                HttpResponse.of(
                    HttpStatus.OK,
                    MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                    telemetry.scrape()));
  }

  private HttpResponse run(
      ServiceRequestContext ctx,
      String endpoint,
      BiFunction<String, QueryParameters, ApiResponse> query) {
    long start = System.nanoTime();
    String tenant = RequestTenant.of(ctx);
    Map<String, String> params = new LinkedHashMap<>();
    QueryParams qp = ctx.queryParams();
    for (String name : qp.names()) params.put(name, qp.get(name));
    CompletableFuture<HttpResponse> response =
        CompletableFuture.supplyAsync(
            () -> {
              ApiResponse r;
              try {
                r = query.apply(tenant, QueryParameters.of(params));
              } catch (RuntimeException e) {
                r = InternalErrors.of(ctx, logger, "query " + endpoint, e);
              }
              latency.labels(endpoint).observeNanos(System.nanoTime() - start);
              return json(r);
            },
            ctx.blockingTaskExecutor());
    return HttpResponse.of(response);
  }

  private static HttpResponse json(ApiResponse r) {
    return HttpResponse.of(
        ResponseHeaders.of(
            HttpStatus.valueOf(r.status()), "content-type", MediaType.JSON_UTF_8.toString()),
        HttpData.wrap(r.json()));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
