package dev.sightline.kit.baggage;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies chosen baggage entries onto every log record emitted in a context that carries them, for
 * the optional {@code tenant_id} field of seed 004 §3.1. Must run before the exporting processor:
 * register it first, or compose it in front with {@link LogRecordProcessor#composite}.
 *
 * <pre>{@code
 * LogRecordProcessor.composite(
 *     BaggageLogRecordProcessor.create(Map.of("tenant.id", "tenant_id")), batchProcessor);
 * }</pre>
 */
public final class BaggageLogRecordProcessor implements LogRecordProcessor {
  private final String[] baggageKeys;
  private final List<AttributeKey<String>> attributeKeys;

  private BaggageLogRecordProcessor(Map<String, String> mapping) {
    this.baggageKeys = mapping.keySet().toArray(new String[0]);
    List<AttributeKey<String>> keys = new ArrayList<>(baggageKeys.length);
    for (String baggageKey : baggageKeys) {
      keys.add(AttributeKey.stringKey(mapping.get(baggageKey)));
    }
    this.attributeKeys = List.copyOf(keys);
  }

  /** Copies each baggage key of {@code baggageKeyToAttribute} to the attribute it maps to. */
  public static BaggageLogRecordProcessor create(Map<String, String> baggageKeyToAttribute) {
    return new BaggageLogRecordProcessor(
        new LinkedHashMap<>(requireNonNull(baggageKeyToAttribute, "baggageKeyToAttribute")));
  }

  /** The §3.1 log field name for a baggage key: dots become underscores. */
  public static String logFieldName(String baggageKey) {
    return baggageKey.replace('.', '_');
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    Baggage baggage = Baggage.fromContextOrNull(context);
    if (baggage == null) {
      return;
    }
    for (int i = 0; i < baggageKeys.length; i++) {
      String value = baggage.getEntryValue(baggageKeys[i]);
      if (value != null) {
        logRecord.setAttribute(attributeKeys.get(i), value);
      }
    }
  }
}
