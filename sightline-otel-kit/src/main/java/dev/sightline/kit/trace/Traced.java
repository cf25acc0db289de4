package dev.sightline.kit.trace;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Typed span helpers (seed 002 in Java generics): run a body in a span, return its result, and on
 * failure record the exception, set {@code error.type} and an error status whose description
 * classifies the failure as {@code business_validation_failed} or {@code system_error} (seed 004
 * §1.2). A successful body ends with status {@code OK}, as the seed prescribes.
 *
 * <pre>{@code
 * Traced traced = Traced.create(openTelemetry, "shop.order");
 * Order order = traced.call("Order.OrderService.PlaceOrder", span -> {
 *   span.setAttribute("order.id", id);
 *   return repository.insert(id);
 * });
 * }</pre>
 *
 * <p>The span is current while the body runs, so child spans, logs and outgoing requests are
 * correlated with it. Instances are immutable and thread-safe; create one per instrumentation scope
 * and share it.
 */
public final class Traced {
  /** Semantic-convention key for the type of a failure: the exception's class name. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final Tracer tracer;
  private final ErrorClassifier classifier;

  private Traced(Tracer tracer, ErrorClassifier classifier) {
    this.tracer = tracer;
    this.classifier = classifier;
  }

  /**
   * Helpers on {@code openTelemetry}'s tracer for {@code scopeName}, with the default classifier.
   */
  public static Traced create(OpenTelemetry openTelemetry, String scopeName) {
    requireNonNull(openTelemetry, "openTelemetry");
    requireNonNull(scopeName, "scopeName");
    return new Traced(openTelemetry.getTracer(scopeName), ErrorClassifier.defaults());
  }

  /** Helpers on {@code tracer} with the given error classifier. */
  public static Traced create(Tracer tracer, ErrorClassifier classifier) {
    return new Traced(requireNonNull(tracer, "tracer"), requireNonNull(classifier, "classifier"));
  }

  /** The tracer spans are started on. */
  public Tracer tracer() {
    return tracer;
  }

  /** The classifier applied to failures. */
  public ErrorClassifier classifier() {
    return classifier;
  }

  /** Runs {@code body} in an internal span named {@code spanName} and returns its result. */
  public <T, E extends Exception> T call(String spanName, SpanBody<T, E> body) throws E {
    requireNonNull(spanName, "spanName");
    requireNonNull(body, "body");
    Context context = Context.current();
    return execute(tracer.spanBuilder(spanName).setParent(context).startSpan(), context, body);
  }

  /** Runs {@code callable} in an internal span named {@code spanName} and returns its result. */
  public <T> T call(String spanName, Callable<T> callable) throws Exception {
    requireNonNull(callable, "callable");
    return span(spanName).call(span -> callable.call());
  }

  /** Runs {@code action} in an internal span named {@code spanName}. */
  public <E extends Exception> void run(String spanName, SpanAction<E> action) throws E {
    span(spanName).run(action);
  }

  /**
   * Returns {@code function} wrapped so that every application runs in a span named {@code
   * spanName}.
   */
  public <I, O> Function<I, O> wrap(String spanName, Function<I, O> function) {
    requireNonNull(spanName, "spanName");
    requireNonNull(function, "function");
    return input -> call(spanName, span -> function.apply(input));
  }

  /** Starts describing a span (kind, attributes, parent) to run a body in. */
  public SpanCall span(String spanName) {
    return new SpanCall(this, requireNonNull(spanName, "spanName"));
  }

  /**
   * Runs {@code body} with {@code span} current in {@code context}: status OK on return; on a
   * throw, the failure recorded and classified, and the throwable rethrown; the span ended.
   */
  <T, E extends Exception> T execute(Span span, Context context, SpanBody<T, E> body) throws E {
    try (Scope ignored = context.with(span).makeCurrent()) {
      T result = body.apply(span);
      span.setStatus(StatusCode.OK);
      return result;
    } catch (Exception e) {
      recordFailure(span, e);
      throw e;
    } catch (Error e) {
      recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * Records {@code error} on {@code span} the way the helpers do: exception event, {@code
   * error.type}, and an error status classified by this instance's classifier. For spans the caller
   * manages itself (for example a server span whose handler maps errors to responses).
   */
  public ErrorClass recordFailure(Span span, Throwable error) {
    ErrorClass errorClass = classifier.classify(error);
    span.recordException(error);
    span.setAttribute(ERROR_TYPE, error.getClass().getName());
    span.setStatus(StatusCode.ERROR, errorClass.statusDescription());
    return errorClass;
  }
}
