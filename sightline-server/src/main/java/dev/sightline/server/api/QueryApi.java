package dev.sightline.server.api;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.query.ApiResponse;
import dev.sightline.query.QueryParameters;
import dev.sightline.query.QueryService;
import dev.sightline.server.auth.Role;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The telemetry query routes ({@code /api/v1/traces}, logs, metrics, services, RED, service map;
 * docs/api.md) declared on the API layer ({@link ApiRoutes}), which runs them on the blocking
 * executor with the caller's tenant; and {@code /healthz} with the Prometheus {@code /metrics}.
 */
public final class QueryApi {
  private final QueryService queries;

  public QueryApi(QueryService queries) {
    this.queries = queries;
  }

  /** Declares the query routes; their endpoint names are those of the latency histogram. */
  public void register(ApiRoutes routes) {
    routes
        .get(
            "trace",
            "/api/v1/traces/{traceId}",
            Role.READ,
            c -> ApiResult.of(queries.getTrace(c.tenant(), c.path("traceId"), c.params())))
        .get("traces", "/api/v1/traces", Role.READ, query(queries::searchTraces))
        .get("logs", "/api/v1/logs", Role.READ, query(queries::searchLogs))
        .get("metric_names", "/api/v1/metrics/names", Role.READ, query(queries::metricNames))
        .get("metric_chart", "/api/v1/metrics/chart", Role.READ, query(queries::metricChart))
        .get("metrics", "/api/v1/metrics", Role.READ, query(queries::metrics))
        .get("services", "/api/v1/services", Role.READ, query(queries::services))
        .get(
            "operations",
            "/api/v1/services/{service}/operations",
            Role.READ,
            c -> ApiResult.of(queries.operations(c.tenant(), c.path("service"), c.params())))
        .get(
            "service_versions",
            "/api/v1/services/{service}/versions",
            Role.READ,
            c -> ApiResult.of(queries.serviceVersions(c.tenant(), c.path("service"), c.params())))
        .get("red", "/api/v1/red", Role.READ, query(queries::red))
        .get("service_map", "/api/v1/service-map", Role.READ, query(queries::serviceMap));
  }

  private static ApiHandler query(BiFunction<String, QueryParameters, ApiResponse> query) {
    return c -> ApiResult.of(query.apply(c.tenant(), c.params()));
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

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
