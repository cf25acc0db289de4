package dev.sightline.kit.baggage;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies chosen baggage entries onto every span as it starts, so that a tenant set once at the edge
 * is queryable on every span of every service (seed 004 §1.5: "record it on span attributes for
 * querying").
 *
 * <pre>{@code
 * tracerProviderBuilder.addSpanProcessor(BaggageSpanProcessor.create(Map.of("tenant.id", "tenant.id")));
 * }</pre>
 */
public final class BaggageSpanProcessor implements SpanProcessor {
  private final String[] baggageKeys;
  private final List<AttributeKey<String>> attributeKeys;

  private BaggageSpanProcessor(Map<String, String> mapping) {
    this.baggageKeys = mapping.keySet().toArray(new String[0]);
    List<AttributeKey<String>> keys = new ArrayList<>(baggageKeys.length);
    for (String baggageKey : baggageKeys) {
      keys.add(AttributeKey.stringKey(mapping.get(baggageKey)));
    }
    this.attributeKeys = List.copyOf(keys);
  }

  /** Copies each baggage key of {@code baggageKeyToAttribute} to the attribute it maps to. */
  public static BaggageSpanProcessor create(Map<String, String> baggageKeyToAttribute) {
    return new BaggageSpanProcessor(
        new LinkedHashMap<>(requireNonNull(baggageKeyToAttribute, "baggageKeyToAttribute")));
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    Baggage baggage = Baggage.fromContextOrNull(parentContext);
    if (baggage == null) {
      return;
    }
    for (int i = 0; i < baggageKeys.length; i++) {
      String value = baggage.getEntryValue(baggageKeys[i]);
      if (value != null) {
        span.setAttribute(attributeKeys.get(i), value);
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
