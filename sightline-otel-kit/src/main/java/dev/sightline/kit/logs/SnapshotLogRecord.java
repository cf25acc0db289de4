package dev.sightline.kit.logs;

import dev.sightline.kit.internal.ForwardingLogRecordData;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import org.jspecify.annotations.Nullable;

/** A log record re-emitted from a snapshot taken earlier (by the {@link LogSampler}'s buffer). */
final class SnapshotLogRecord implements ReadWriteLogRecord {
  private final LogRecordData data;
  private Attributes attributes;

  SnapshotLogRecord(LogRecordData data) {
    this.data = data;
    this.attributes = data.getAttributes();
  }

  @Override
  public synchronized <T> ReadWriteLogRecord setAttribute(AttributeKey<T> key, T value) {
    attributes = attributes.toBuilder().put(key, value).build();
    return this;
  }

  @Override
  public synchronized LogRecordData toLogRecordData() {
    Attributes current = attributes;
    return current == data.getAttributes() ? data : new WithAttributes(data, current);
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return data.getInstrumentationScopeInfo();
  }

  @Override
  public long getTimestampEpochNanos() {
    return data.getTimestampEpochNanos();
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return data.getObservedTimestampEpochNanos();
  }

  @Override
  public SpanContext getSpanContext() {
    return data.getSpanContext();
  }

  @Override
  public Severity getSeverity() {
    return data.getSeverity();
  }

  @Override
  public @Nullable String getSeverityText() {
    return data.getSeverityText();
  }

  @Override
  public @Nullable Value<?> getBodyValue() {
    return data.getBodyValue();
  }

  @Override
  public synchronized Attributes getAttributes() {
    return attributes;
  }

  @Override
  public synchronized <T> @Nullable T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }

  @Override
  public @Nullable String getEventName() {
    return data.getEventName();
  }

  private static final class WithAttributes extends ForwardingLogRecordData {
    private final Attributes attributes;

    WithAttributes(LogRecordData data, Attributes attributes) {
      super(data);
      this.attributes = attributes;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return Math.max(delegate.getTotalAttributeCount(), attributes.size());
    }
  }
}
