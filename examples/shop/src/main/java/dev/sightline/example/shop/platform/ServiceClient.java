package dev.sightline.example.shop.platform;

import static java.util.Objects.requireNonNull;

import dev.sightline.example.shop.faults.Faults;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.api.instrumenter.AttributesExtractor;
import io.opentelemetry.instrumentation.javahttpclient.JavaHttpClientTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Calls another shop service over HTTP with the OpenTelemetry {@code java-http-client}
 * instrumentation (a client span per attempt, trace context and baggage in the headers), a timeout
 * per attempt and retries with exponential backoff on timeouts, connection failures and 5xx
 * answers. Retried attempts carry {@code http.request.resend_count}; each retry is logged.
 */
public final class ServiceClient {
  static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  private static final ContextKey<Integer> ATTEMPT = ContextKey.named("shop-attempt");

  private final String target;
  private final URI base;
  private final HttpClient client;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;
  private final Logger log;

  /**
   * @param runtime the calling deployment, whose SDK instruments the calls
   * @param target the called service's name, for logs and messages
   * @param base the called service's base URI
   * @param timeout the timeout of one attempt
   * @param retries how many times a failed attempt is retried
   * @param backoff the wait before the first retry, doubled for each next one
   */
  public ServiceClient(
      ServiceRuntime runtime,
      String target,
      URI base,
      Duration timeout,
      int retries,
      Duration backoff,
      Logger log) {
    this.target = requireNonNull(target, "target");
    this.base = requireNonNull(base, "base");
    this.timeout = requireNonNull(timeout, "timeout");
    this.retries = retries;
    this.backoff = requireNonNull(backoff, "backoff");
    this.log = requireNonNull(log, "log");
    this.client =
        JavaHttpClientTelemetry.builder(runtime.openTelemetry())
            .addAttributesExtractor(new ResendCount())
            .build()
            .newHttpClient(HttpClient.newBuilder().connectTimeout(timeout).build());
  }

  /**
   * POSTs {@code form} to {@code path}. Returns the first answer below 500; after the last failed
   * attempt throws an {@link UpstreamFailure}: 504 if every attempt timed out, 502 otherwise.
   */
  public Http.Response post(String path, Map<String, String> form) {
    int attempts = retries + 1;
    int timeouts = 0;
    String lastProblem = "";
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        Faults.sleep(backoff.multipliedBy(1L << (attempt - 1)));
      }
      String problem;
      try (Scope ignored = Context.current().with(ATTEMPT, attempt).makeCurrent()) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(base.resolve(path))
                    .timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(Form.encode(form)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() < 500) {
          return new Http.Response(response.statusCode(), response.body().trim());
        }
        problem = target + " answered " + response.statusCode() + ": " + response.body().trim();
      } catch (HttpTimeoutException e) {
        timeouts++;
        problem = target + " timed out after " + timeout.toMillis() + "ms";
      } catch (IOException e) {
        problem = target + " unreachable: " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UpstreamFailure(502, target + " call interrupted");
      }
      lastProblem = problem;
      if (attempt + 1 < attempts) {
        log.warn("{} (attempt {}/{}), retrying", problem, attempt + 1, attempts);
      }
    }
    String message = target + " failed after " + attempts + " attempts: " + lastProblem;
    log.error(message);
    throw new UpstreamFailure(timeouts == attempts ? 504 : 502, message);
  }

  /** Adds {@code http.request.resend_count} to the client spans of retried attempts. */
  private static final class ResendCount
      implements AttributesExtractor<HttpRequest, HttpResponse<?>> {
    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, HttpRequest request) {
      Integer attempt = parentContext.get(ATTEMPT);
      if (attempt != null && attempt > 0) {
        attributes.put(RESEND_COUNT, (long) attempt);
      }
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        HttpRequest request,
        @Nullable HttpResponse<?> response,
        @Nullable Throwable error) {}
  }
}
