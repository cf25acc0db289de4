package dev.sightline.kit.redaction;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps the span processor that exports (usually the {@code BatchSpanProcessor}) so that what it
 * exports is redacted by a {@link PiiRedactor}: span name, attributes, event attributes (including
 * {@code exception.message}) and the status description.
 *
 * <p>A processor cannot change an ended span, so this one hands its delegate a view of the span
 * whose {@link ReadableSpan#toSpanData()} is redacted. The batch processor calls it on its export
 * thread, so the masking cost stays off the application's threads.
 *
 * <pre>{@code
 * SpanProcessor export = RedactingSpanProcessor.wrap(BatchSpanProcessor.builder(exporter).build(),
 *     PiiRedactor.defaults());
 * }</pre>
 */
public final class RedactingSpanProcessor implements SpanProcessor {
  private final SpanProcessor delegate;
  private final PiiRedactor redactor;

  private RedactingSpanProcessor(SpanProcessor delegate, PiiRedactor redactor) {
    this.delegate = delegate;
    this.redactor = redactor;
  }

  /** Returns {@code delegate} wrapped so that it only sees redacted span data. */
  public static SpanProcessor wrap(SpanProcessor delegate, PiiRedactor redactor) {
    return new RedactingSpanProcessor(
        requireNonNull(delegate, "delegate"), requireNonNull(redactor, "redactor"));
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    delegate.onStart(parentContext, span);
  }

  @Override
  public boolean isStartRequired() {
    return delegate.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    delegate.onEnd(new RedactedReadableSpan(span, redactor));
  }

  @Override
  public boolean isEndRequired() {
    return delegate.isEndRequired();
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
    return "RedactingSpanProcessor{" + delegate + "}";
  }

  /** Redacts the exported copy of {@code data}. */
  static SpanData redact(SpanData data, PiiRedactor redactor) {
    String name = redactor.redact(data.getName());
    Attributes attributes = redactor.redact(data.getAttributes());
    List<EventData> events = data.getEvents();
    List<EventData> redactedEvents = events;
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      Attributes eventAttributes = redactor.redact(event.getAttributes());
      if (eventAttributes != event.getAttributes()) {
        if (redactedEvents == events) {
          redactedEvents = new ArrayList<>(events);
        }
        redactedEvents.set(
            i,
            EventData.create(
                event.getEpochNanos(),
                event.getName(),
                eventAttributes,
                event.getTotalAttributeCount()));
      }
    }
    StatusData status = data.getStatus();
    String description = redactor.redact(status.getDescription());
    StatusData redactedStatus =
        description.equals(status.getDescription())
            ? status
            : StatusData.create(status.getStatusCode(), description);
    if (name.equals(data.getName())
        && attributes == data.getAttributes()
        && redactedEvents == events
        && redactedStatus == status) {
      return data;
    }
    return new RedactedSpanData(data, name, attributes, redactedEvents, redactedStatus);
  }

  private static final class RedactedSpanData extends DelegatingSpanData {
    private final String name;
    private final Attributes attributes;
    private final List<EventData> events;
    private final StatusData status;

    RedactedSpanData(
        SpanData delegate,
        String name,
        Attributes attributes,
        List<EventData> events,
        StatusData status) {
      super(delegate);
      this.name = name;
      this.attributes = attributes;
      this.events = List.copyOf(events);
      this.status = status;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public List<EventData> getEvents() {
      return events;
    }

    @Override
    public StatusData getStatus() {
      return status;
    }
  }

  /** The view handed to the delegate: everything as the span, except the redacted data. */
  private static final class RedactedReadableSpan implements ReadableSpan {
    private final ReadableSpan span;
    private final PiiRedactor redactor;

    RedactedReadableSpan(ReadableSpan span, PiiRedactor redactor) {
      this.span = span;
      this.redactor = redactor;
    }

    @Override
    public SpanData toSpanData() {
      return redact(span.toSpanData(), redactor);
    }

    @Override
    public SpanContext getSpanContext() {
      return span.getSpanContext();
    }

    @Override
    public SpanContext getParentSpanContext() {
      return span.getParentSpanContext();
    }

    @Override
    public String getName() {
      return redactor.redact(span.getName());
    }

    @Override
    @Deprecated
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
      return span.getInstrumentationLibraryInfo();
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return span.getInstrumentationScopeInfo();
    }

    @Override
    public boolean hasEnded() {
      return span.hasEnded();
    }

    @Override
    public long getLatencyNanos() {
      return span.getLatencyNanos();
    }

    @Override
    public SpanKind getKind() {
      return span.getKind();
    }

    @Override
    public <T> T getAttribute(AttributeKey<T> key) {
      T value = span.getAttribute(key);
      if (value instanceof String) {
        @SuppressWarnings("unchecked")
        T redacted =
            (T)
                (redactor.isRedactedKey(key.getKey())
                    ? PiiRedactor.REDACTED
                    : redactor.redact((String) value));
        return redacted;
      }
      return value;
    }

    @Override
    public Attributes getAttributes() {
      return redactor.redact(span.getAttributes());
    }
  }
}
