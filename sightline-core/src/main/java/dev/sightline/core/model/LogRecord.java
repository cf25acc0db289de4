package dev.sightline.core.model;

import java.util.Objects;

/**
 * One log record as stored. {@code traceId}/{@code spanId} are lowercase hex, empty when the record
 * is not correlated with a span. {@code timeUnixNano} is 0 when the source did not set it; {@link
 * #eventTimeUnixNano()} then falls back to the observed time.
 */
public record LogRecord(
    String tenant,
    long timeUnixNano,
    long observedTimeUnixNano,
    int severityNumber,
    String severityText,
    AnyValue body,
    Attributes attributes,
    int droppedAttributesCount,
    int flags,
    String traceId,
    String spanId,
    String eventName,
    Resource resource,
    InstrumentationScope scope) {

  public LogRecord {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(severityText, "severityText");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(eventName, "eventName");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(scope, "scope");
  }

  /** The time the event happened: {@code timeUnixNano}, else the observed time. */
  public long eventTimeUnixNano() {
    return timeUnixNano != 0 ? timeUnixNano : observedTimeUnixNano;
  }

  public String serviceName() {
    return resource.serviceName();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with defaults for every optional field (tenant {@link Tenants#DEFAULT}). */
  public static final class Builder {
    private String tenant = Tenants.DEFAULT;
    private long timeUnixNano;
    private long observedTimeUnixNano;
    private int severityNumber;
    private String severityText = "";
    private AnyValue body = AnyValue.EmptyValue.INSTANCE;
    private Attributes attributes = Attributes.empty();
    private int droppedAttributesCount;
    private int flags;
    private String traceId = "";
    private String spanId = "";
    private String eventName = "";
    private Resource resource = Resource.empty();
    private InstrumentationScope scope = InstrumentationScope.empty();

    private Builder() {}

    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    public Builder timeUnixNano(long timeUnixNano) {
      this.timeUnixNano = timeUnixNano;
      return this;
    }

    public Builder observedTimeUnixNano(long observedTimeUnixNano) {
      this.observedTimeUnixNano = observedTimeUnixNano;
      return this;
    }

    public Builder severity(int severityNumber, String severityText) {
      this.severityNumber = severityNumber;
      this.severityText = severityText;
      return this;
    }

    public Builder body(AnyValue body) {
      this.body = body;
      return this;
    }

    public Builder body(String body) {
      this.body = new AnyValue.StringValue(body);
      return this;
    }

    public Builder attributes(Attributes attributes) {
      this.attributes = attributes;
      return this;
    }

    public Builder droppedAttributesCount(int droppedAttributesCount) {
      this.droppedAttributesCount = droppedAttributesCount;
      return this;
    }

    public Builder flags(int flags) {
      this.flags = flags;
      return this;
    }

    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    public Builder spanId(String spanId) {
      this.spanId = spanId;
      return this;
    }

    public Builder eventName(String eventName) {
      this.eventName = eventName;
      return this;
    }

    public Builder resource(Resource resource) {
      this.resource = resource;
      return this;
    }

    public Builder scope(InstrumentationScope scope) {
      this.scope = scope;
      return this;
    }

    public LogRecord build() {
      return new LogRecord(
          tenant,
          timeUnixNano,
          observedTimeUnixNano,
          severityNumber,
          severityText,
          body,
          attributes,
          droppedAttributesCount,
          flags,
          traceId,
          spanId,
          eventName,
          resource,
          scope);
    }
  }
}
