package dev.sightline.server.api;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.otlp.receiver.RequestTenant;
import dev.sightline.query.ApiResponse;
import dev.sightline.query.QueryParameters;
import dev.sightline.query.QueryService;
import dev.sightline.server.auth.AuthDecorator;
import dev.sightline.server.auth.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One route's request pipeline, the same for every route of {@link ApiRoutes}, in this order: the
 * route's {@link Gate} (the role check after the listener's authentication, or the rate limit of an
 * open route), the parameter limits, the tenant and principal, the body (aggregated up to the
 * route's limit), the handler on the blocking executor, the rendering of its result or failure
 * ({@link ApiErrors}), and the latency of the whole in {@code
 * sightline_api_request_duration_seconds{endpoint}}.
 */
final class ApiEndpoint implements HttpService {
  /** Query parameters a request may carry (values counted, repeated names included). */
  static final int MAX_PARAMETERS = 64;

  /** Characters of a parameter's name or value. */
  static final int MAX_PARAMETER_CHARS = 4096;

  /** Who may call the route: null to go on, else the refusal (401, 403, 429). */
  @FunctionalInterface
  interface Gate {
    @Nullable HttpResponse admit(ServiceRequestContext ctx, HttpRequest req);
  }

  private final String name;
  private final Gate gate;
  private final boolean readsBody;
  private final ApiHandler handler;
  private final SelfTelemetry.HistogramSeries latency;

  ApiEndpoint(
      String name,
      Gate gate,
      boolean readsBody,
      ApiHandler handler,
      SelfTelemetry.Histogram latency) {
    this.name = name;
    this.gate = gate;
    this.readsBody = readsBody;
    this.handler = handler;
    this.latency = latency.labels(name);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    long start = System.nanoTime();
    @Nullable HttpResponse denied = gate.admit(ctx, req);
    if (denied != null) return finish(start, denied);
    QueryParameters params;
    try {
      params = parameters(ctx.queryParams());
    } catch (ApiException e) {
      req.abort();
      return finish(start, ApiErrors.of(ctx, name, e));
    }
    String tenant = RequestTenant.of(ctx);
    CompletableFuture<HttpData> body =
        readsBody
            ? req.aggregate().thenApply(AggregatedHttpRequest::content)
            : CompletableFuture.completedFuture(HttpData.empty());
    @Nullable Principal principal = AuthDecorator.principal(ctx);
    CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    body.whenComplete(
        (data, failure) -> {
          if (failure != null) {
            response.complete(finish(start, ApiErrors.of(ctx, name, failure)));
            return;
          }
          ApiCall call =
              new ApiCall(tenant, principal, ctx.pathParams(), params, data, req.headers());
          try {
            ctx.blockingTaskExecutor().execute(() -> run(ctx, start, call, response));
          } catch (RejectedExecutionException e) {
            response.complete(finish(start, ApiErrors.of(ctx, name, e)));
          }
        });
    return HttpResponse.of(response);
  }

  /** On the blocking executor: the handler, then its answer; the response completes always. */
  private void run(
      ServiceRequestContext ctx,
      long start,
      ApiCall call,
      CompletableFuture<HttpResponse> response) {
    try {
      response.complete(finish(start, call(ctx, call)));
    } catch (Throwable t) {
      // an Error: a 500 with a request id like any failure; a fatal one goes on up
      response.complete(finish(start, ApiErrors.of(ctx, name, t)));
      if (t instanceof VirtualMachineError fatal) throw fatal;
    }
  }

  private HttpResponse call(ServiceRequestContext ctx, ApiCall call) {
    try {
      return render(handler.handle(call));
    } catch (RuntimeException e) {
      return ApiErrors.of(ctx, name, e);
    }
  }

  private HttpResponse finish(long startNanos, HttpResponse response) {
    latency.observeNanos(System.nanoTime() - startNanos);
    return response;
  }

  /** The first value of each parameter, within {@link #MAX_PARAMETERS} and the length limit. */
  static QueryParameters parameters(QueryParams qp) {
    if (qp.size() > MAX_PARAMETERS) {
      throw ApiException.badRequest(
          null, "too many query parameters: " + qp.size() + ", at most " + MAX_PARAMETERS);
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String n : qp.names()) {
      if (n.length() > MAX_PARAMETER_CHARS) {
        throw ApiException.badRequest(
            null, "a query parameter name is longer than " + MAX_PARAMETER_CHARS + " characters");
      }
      String v = qp.get(n);
      if (v != null && v.length() > MAX_PARAMETER_CHARS) {
        throw ApiException.badRequest(
            n, "invalid parameter '" + n + "': longer than " + MAX_PARAMETER_CHARS + " characters");
      }
      params.put(n, v);
    }
    return QueryParameters.of(params);
  }

  /** The HTTP response of a handler's result: one content type and JSON writer for all. */
  static HttpResponse render(ApiResult result) {
    if (result instanceof ApiResult.Json j) {
      return ApiErrors.json(new ApiResponse(j.status(), ApiJson.render(j.body())), 0);
    }
    if (result instanceof ApiResult.Rendered r) return ApiErrors.json(r.response(), 0);
    if (result instanceof ApiResult.WithHeader h) {
      return render(h.result()).mapHeaders(r -> r.toBuilder().add(h.name(), h.value()).build());
    }
    if (result instanceof ApiResult.Text t) {
      return HttpResponse.of(HttpStatus.OK, t.mediaType(), t.text());
    }
    return HttpResponse.of(HttpStatus.NO_CONTENT);
  }

  /** The 404 of an unknown {@code /api/} path (run by the handler, in the request's context). */
  static ApiResult unknownPath(ApiCall call) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    return ApiResult.of(
        QueryService.error(404, null, "no such endpoint: " + ctx.method() + " " + ctx.path()));
  }
}
