package dev.sightline.kit.redaction;

import static java.util.Objects.requireNonNull;

import dev.sightline.kit.internal.ForwardingLogRecordData;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Wraps the log-record processor that exports so that what it exports is redacted by a {@link
 * PiiRedactor}: the body and attribute values are masked, and in allow-list mode (seed 004 §3.3:
 * "only record predefined business fields") every attribute not on the list is dropped. The {@code
 * exception.*} attributes written by log appenders are always kept (and masked).
 *
 * <p>{@code ReadWriteLogRecord} cannot replace a body, so the delegate receives a record whose
 * {@link ReadWriteLogRecord#toLogRecordData()} is a lazily redacted view: masking runs when the
 * exporter reads the body and attributes, on the batch processor's export thread.
 *
 * <pre>{@code
 * LogRecordProcessor export = RedactingLogRecordProcessor.builder(PiiRedactor.defaults())
 *     .allowAttributes(Set.of("order.id", "tenant_id"))
 *     .wrap(BatchLogRecordProcessor.builder(exporter).build());
 * }</pre>
 */
public final class RedactingLogRecordProcessor implements LogRecordProcessor {
  private static final Set<String> ALWAYS_ALLOWED =
      Set.of("exception.type", "exception.message", "exception.stacktrace");

  private final LogRecordProcessor delegate;
  private final PiiRedactor redactor;
  private final @Nullable Set<String> allowedAttributes;

  private RedactingLogRecordProcessor(
      LogRecordProcessor delegate, PiiRedactor redactor, @Nullable Set<String> allowed) {
    this.delegate = delegate;
    this.redactor = redactor;
    this.allowedAttributes = allowed;
  }

  /** Returns {@code delegate} wrapped so that it only sees redacted log records. */
  public static LogRecordProcessor wrap(LogRecordProcessor delegate, PiiRedactor redactor) {
    return builder(redactor).wrap(delegate);
  }

  public static Builder builder(PiiRedactor redactor) {
    return new Builder(requireNonNull(redactor, "redactor"));
  }

  @Override
  public void onEmit(Context context, ReadWriteLogRecord logRecord) {
    delegate.onEmit(context, new RedactedLogRecord(logRecord, redactor, allowedAttributes));
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public String toString() {
    return "RedactingLogRecordProcessor{" + delegate + "}";
  }

  /** Builder for {@link RedactingLogRecordProcessor}. */
  public static final class Builder {
    private final PiiRedactor redactor;
    private @Nullable Set<String> allowed;

    private Builder(PiiRedactor redactor) {
      this.redactor = redactor;
    }

    /**
     * Switches to allow-list mode: only these attribute keys (plus {@code exception.*}) are
     * exported.
     */
    public Builder allowAttributes(Set<String> keys) {
      Set<String> all = new HashSet<>(requireNonNull(keys, "keys"));
      all.addAll(ALWAYS_ALLOWED);
      this.allowed = Set.copyOf(all);
      return this;
    }

    public LogRecordProcessor wrap(LogRecordProcessor delegate) {
      return new RedactingLogRecordProcessor(
          requireNonNull(delegate, "delegate"), redactor, allowed);
    }
  }

  private static final class RedactedLogRecord implements ReadWriteLogRecord {
    private final ReadWriteLogRecord record;
    private final PiiRedactor redactor;
    private final @Nullable Set<String> allowed;

    RedactedLogRecord(
        ReadWriteLogRecord record, PiiRedactor redactor, @Nullable Set<String> allowed) {
      this.record = record;
      this.redactor = redactor;
      this.allowed = allowed;
    }

    @Override
    public <T> ReadWriteLogRecord setAttribute(AttributeKey<T> key, T value) {
      record.setAttribute(key, value);
      return this;
    }

    @Override
    public LogRecordData toLogRecordData() {
      return new RedactedLogRecordData(record.toLogRecordData(), redactor, allowed);
    }

    @Override
    public @Nullable String getEventName() {
      return record.getEventName();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return record.getInstrumentationScopeInfo();
    }

    @Override
    public long getTimestampEpochNanos() {
      return record.getTimestampEpochNanos();
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return record.getObservedTimestampEpochNanos();
    }

    @Override
    public SpanContext getSpanContext() {
      return record.getSpanContext();
    }

    @Override
    public Severity getSeverity() {
      return record.getSeverity();
    }

    @Override
    public @Nullable String getSeverityText() {
      return record.getSeverityText();
    }
  }

  /**
   * Lazily redacted view of a record; the body and attributes are masked on first read. The cached
   * values are immutable, so a racing second computation is harmless.
   */
  private static final class RedactedLogRecordData extends ForwardingLogRecordData {
    private final PiiRedactor redactor;
    private final @Nullable Set<String> allowed;
    private @Nullable Value<?> body;
    private @Nullable Attributes attributes;

    RedactedLogRecordData(LogRecordData data, PiiRedactor redactor, @Nullable Set<String> allowed) {
      super(data);
      this.redactor = redactor;
      this.allowed = allowed;
    }

    @Override
    public @Nullable Value<?> getBodyValue() {
      Value<?> original = delegate.getBodyValue();
      if (original == null) {
        return null;
      }
      Value<?> b = body;
      if (b == null) {
        b = redactor.redact(original);
        body = b;
      }
      return b;
    }

    @Override
    @Deprecated
    public Body getBody() {
      Value<?> value = getBodyValue();
      return value == null ? Body.empty() : Body.string(value.asString());
    }

    @Override
    public Attributes getAttributes() {
      Attributes a = attributes;
      if (a == null) {
        a = redactor.redact(delegate.getAttributes(), allowed);
        attributes = a;
      }
      return a;
    }
  }
}
