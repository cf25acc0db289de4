package dev.sightline.kit.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LogRecordData} that forwards every call to another one; subclasses override what they
 * change (attributes, body). Not part of the kit's API.
 */
public abstract class ForwardingLogRecordData implements LogRecordData {
  protected final LogRecordData delegate;

  protected ForwardingLogRecordData(LogRecordData delegate) {
    this.delegate = delegate;
  }

  @Override
  public Resource getResource() {
    return delegate.getResource();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return delegate.getInstrumentationScopeInfo();
  }

  @Override
  public long getTimestampEpochNanos() {
    return delegate.getTimestampEpochNanos();
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return delegate.getObservedTimestampEpochNanos();
  }

  @Override
  public SpanContext getSpanContext() {
    return delegate.getSpanContext();
  }

  @Override
  public Severity getSeverity() {
    return delegate.getSeverity();
  }

  @Override
  public @Nullable String getSeverityText() {
    return delegate.getSeverityText();
  }

  @Override
  @Deprecated
  public Body getBody() {
    return delegate.getBody();
  }

  @Override
  public @Nullable Value<?> getBodyValue() {
    return delegate.getBodyValue();
  }

  @Override
  public Attributes getAttributes() {
    return delegate.getAttributes();
  }

  @Override
  public int getTotalAttributeCount() {
    return delegate.getTotalAttributeCount();
  }

  @Override
  public @Nullable String getEventName() {
    return delegate.getEventName();
  }
}
