package dev.sightline.kit.trace;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A span about to be started around a body: name, kind, start attributes, links and an optional
 * explicit parent context. Obtained from {@link Traced#span(String)}; not thread-safe: configure
 * and call it on one thread (it may be called again there).
 *
 * <pre>{@code
 * Stock stock = traced.span("Inventory.StockRepository.QueryStock")
 *     .kind(SpanKind.CLIENT)
 *     .attribute(DB_SYSTEM_NAME, "other_sql")
 *     .call(span -> table.get(sku));
 * }</pre>
 */
public final class SpanCall {
  private final Traced traced;
  private final String name;
  private SpanKind kind = SpanKind.INTERNAL;
  private @Nullable Context parent;
  private @Nullable AttributesBuilder attributes;
  private @Nullable List<SpanContext> links;

  SpanCall(Traced traced, String name) {
    this.traced = traced;
    this.name = name;
  }

  /** The span kind; {@link SpanKind#INTERNAL} unless set. */
  public SpanCall kind(SpanKind kind) {
    this.kind = requireNonNull(kind, "kind");
    return this;
  }

  /**
   * The context to start the span in and to make current while the body runs (with the span), for
   * example one extracted from message headers. Defaults to {@link Context#current()}.
   */
  public SpanCall parent(Context parent) {
    this.parent = requireNonNull(parent, "parent");
    return this;
  }

  /** Adds a start attribute (visible to samplers). */
  public <T> SpanCall attribute(AttributeKey<T> key, T value) {
    attributes().put(requireNonNull(key, "key"), requireNonNull(value, "value"));
    return this;
  }

  /** Adds all {@code attributes} as start attributes. */
  public SpanCall attributes(Attributes attributes) {
    attributes().putAll(requireNonNull(attributes, "attributes"));
    return this;
  }

  private AttributesBuilder attributes() {
    if (attributes == null) {
      attributes = Attributes.builder();
    }
    return attributes;
  }

  /** Links the span to {@code linked}, for example a batch's messages. */
  public SpanCall link(SpanContext linked) {
    if (links == null) {
      links = new ArrayList<>(2);
    }
    links.add(requireNonNull(linked, "linked"));
    return this;
  }

  /** Runs {@code body} in the span and returns its result; failures are recorded and rethrown. */
  public <T, E extends Exception> T call(SpanBody<T, E> body) throws E {
    requireNonNull(body, "body");
    Context context = parent != null ? parent : Context.current();
    SpanBuilder builder = traced.tracer().spanBuilder(name).setParent(context).setSpanKind(kind);
    if (attributes != null) {
      builder.setAllAttributes(attributes.build());
    }
    if (links != null) {
      for (SpanContext link : links) {
        builder.addLink(link);
      }
    }
    return traced.execute(builder.startSpan(), context, body);
  }

  /** Runs {@code action} in the span; failures are recorded and rethrown. */
  public <E extends Exception> void run(SpanAction<E> action) throws E {
    requireNonNull(action, "action");
    call(
        span -> {
          action.run(span);
          return null;
        });
  }
}
