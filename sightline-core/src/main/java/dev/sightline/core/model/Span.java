package dev.sightline.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One span as stored. IDs are lowercase hex ({@code traceId} 32 characters, {@code spanId} 16);
 * {@code parentSpanId} is empty for a root span. Times are event times in Unix nanoseconds.
 */
public record Span(
    String tenant,
    String traceId,
    String spanId,
    String parentSpanId,
    String traceState,
    int flags,
    String name,
    SpanKind kind,
    long startTimeUnixNano,
    long endTimeUnixNano,
    Attributes attributes,
    int droppedAttributesCount,
    List<SpanEvent> events,
    int droppedEventsCount,
    List<SpanLink> links,
    int droppedLinksCount,
    StatusCode statusCode,
    String statusMessage,
    Resource resource,
    InstrumentationScope scope) {

  public Span {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(parentSpanId, "parentSpanId");
    Objects.requireNonNull(traceState, "traceState");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(attributes, "attributes");
    events = List.copyOf(events);
    links = List.copyOf(links);
    Objects.requireNonNull(statusCode, "statusCode");
    Objects.requireNonNull(statusMessage, "statusMessage");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(scope, "scope");
  }

  public long durationNanos() {
    return endTimeUnixNano - startTimeUnixNano;
  }

  public String serviceName() {
    return resource.serviceName();
  }

  public boolean isRoot() {
    return parentSpanId.isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .tenant(tenant)
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId(parentSpanId)
        .traceState(traceState)
        .flags(flags)
        .name(name)
        .kind(kind)
        .startTimeUnixNano(startTimeUnixNano)
        .endTimeUnixNano(endTimeUnixNano)
        .attributes(attributes)
        .droppedAttributesCount(droppedAttributesCount)
        .events(events)
        .droppedEventsCount(droppedEventsCount)
        .links(links)
        .droppedLinksCount(droppedLinksCount)
        .status(statusCode, statusMessage)
        .resource(resource)
        .scope(scope);
  }

  /** Builder with defaults for every optional field (tenant {@link Tenants#DEFAULT}). */
  public static final class Builder {
    private String tenant = Tenants.DEFAULT;
    private String traceId = "";
    private String spanId = "";
    private String parentSpanId = "";
    private String traceState = "";
    private int flags;
    private String name = "";
    private SpanKind kind = SpanKind.UNSPECIFIED;
    private long startTimeUnixNano;
    private long endTimeUnixNano;
    private Attributes attributes = Attributes.empty();
    private int droppedAttributesCount;
    private List<SpanEvent> events = List.of();
    private int droppedEventsCount;
    private List<SpanLink> links = List.of();
    private int droppedLinksCount;
    private StatusCode statusCode = StatusCode.UNSET;
    private String statusMessage = "";
    private Resource resource = Resource.empty();
    private InstrumentationScope scope = InstrumentationScope.empty();

    private Builder() {}

    public Builder tenant(String tenant) {
      this.tenant = tenant;
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

    public Builder parentSpanId(String parentSpanId) {
      this.parentSpanId = parentSpanId;
      return this;
    }

    public Builder traceState(String traceState) {
      this.traceState = traceState;
      return this;
    }

    public Builder flags(int flags) {
      this.flags = flags;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder kind(SpanKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder startTimeUnixNano(long startTimeUnixNano) {
      this.startTimeUnixNano = startTimeUnixNano;
      return this;
    }

    public Builder endTimeUnixNano(long endTimeUnixNano) {
      this.endTimeUnixNano = endTimeUnixNano;
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

    public Builder events(List<SpanEvent> events) {
      this.events = events;
      return this;
    }

    public Builder droppedEventsCount(int droppedEventsCount) {
      this.droppedEventsCount = droppedEventsCount;
      return this;
    }

    public Builder links(List<SpanLink> links) {
      this.links = links;
      return this;
    }

    public Builder droppedLinksCount(int droppedLinksCount) {
      this.droppedLinksCount = droppedLinksCount;
      return this;
    }

    public Builder status(StatusCode statusCode, String statusMessage) {
      this.statusCode = statusCode;
      this.statusMessage = statusMessage;
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

    public Span build() {
      return new Span(
          tenant,
          traceId,
          spanId,
          parentSpanId,
          traceState,
          flags,
          name,
          kind,
          startTimeUnixNano,
          endTimeUnixNano,
          attributes,
          droppedAttributesCount,
          events,
          droppedEventsCount,
          links,
          droppedLinksCount,
          statusCode,
          statusMessage,
          resource,
          scope);
    }
  }
}
