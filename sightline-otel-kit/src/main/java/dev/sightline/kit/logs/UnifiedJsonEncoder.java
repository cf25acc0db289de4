package dev.sightline.kit.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.sightline.kit.redaction.PiiRedactor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback encoder writing one JSON object per line with the unified log fields of seed 004 §3.1:
 * {@code trace_id}, {@code span_id}, {@code service.name}, {@code env}, {@code version}, {@code
 * level}, {@code message} and, when the request carries one, {@code tenant_id}; then {@code
 * timestamp}, {@code logger}, the SLF4J key-value pairs and {@code exception.*}.
 *
 * <p>The trace fields come from the MDC entries the OpenTelemetry Logback MDC appender adds ({@code
 * trace_id}, {@code span_id}, {@code baggage.tenant.id}); when the encoder is used without it, from
 * the current span and baggage. The service fields come from the {@link ServiceIdentity} registered
 * for the logger. Trace fields are omitted when the line was not logged inside a span. The message
 * and string values are masked by {@link PiiRedactor#defaults()} unless {@code redact} is false.
 *
 * <pre>{@code
 * <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
 *   <encoder class="dev.sightline.kit.logs.UnifiedJsonEncoder"/>
 * </appender>
 * }</pre>
 */
public final class UnifiedJsonEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] EMPTY = new byte[0];
  private static final String TENANT_BAGGAGE_KEY = "tenant.id";

  private @Nullable PiiRedactor redactor = PiiRedactor.defaults();

  /** Whether to mask PII in the message and values (default true). */
  public void setRedact(boolean redact) {
    this.redactor = redact ? PiiRedactor.defaults() : null;
  }

  @Override
  public byte[] headerBytes() {
    return EMPTY;
  }

  @Override
  public byte[] footerBytes() {
    return EMPTY;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (toJson(event) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON object for {@code event}, without the trailing newline. */
  public String toJson(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String traceId = mdc.get("trace_id");
    String spanId = mdc.get("span_id");
    if (traceId == null) {
      SpanContext current = Span.current().getSpanContext();
      if (current.isValid()) {
        traceId = current.getTraceId();
        spanId = current.getSpanId();
      }
    }
    String tenant = mdc.get("baggage." + TENANT_BAGGAGE_KEY);
    if (tenant == null) {
      tenant = mdc.get("tenant_id");
    }
    if (tenant == null) {
      tenant = Baggage.current().getEntryValue(TENANT_BAGGAGE_KEY);
    }
    ServiceIdentity identity = ServiceIdentity.forLogger(event.getLoggerName());

    StringBuilder json = new StringBuilder(256).append('{');
    if (traceId != null) {
      field(json, "trace_id", traceId);
      field(json, "span_id", spanId == null ? "" : spanId);
    }
    if (identity != null) {
      field(json, "service.name", identity.serviceName());
      field(json, "env", identity.env());
      field(json, "version", identity.version());
    }
    field(json, "level", event.getLevel().toString());
    field(json, "message", mask(event.getFormattedMessage()));
    if (tenant != null) {
      field(json, "tenant_id", tenant);
    }
    field(json, "timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    field(json, "logger", event.getLoggerName());
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        value(json, pair.key, pair.value);
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      field(json, "exception.type", error.getClassName());
      if (error.getMessage() != null) {
        field(json, "exception.message", mask(error.getMessage()));
      }
    }
    return json.append('}').toString();
  }

  private String mask(String text) {
    return redactor == null ? text : redactor.redact(text);
  }

  private void value(StringBuilder json, String key, @Nullable Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      separator(json);
      quote(json, key).append(':').append(value);
    } else if (redactor != null && redactor.isRedactedKey(key)) {
      field(json, key, PiiRedactor.REDACTED);
    } else {
      field(json, key, mask(String.valueOf(value)));
    }
  }

  private static void field(StringBuilder json, String key, String value) {
    separator(json);
    quote(json, key).append(':');
    quote(json, value);
  }

  private static void separator(StringBuilder json) {
    if (json.length() > 1) {
      json.append(',');
    }
  }

  private static StringBuilder quote(StringBuilder json, String s) {
    json.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          json.append("\\\"");
          break;
        case '\\':
          json.append("\\\\");
          break;
        case '\n':
          json.append("\\n");
          break;
        case '\r':
          json.append("\\r");
          break;
        case '\t':
          json.append("\\t");
          break;
        default:
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
      }
    }
    return json.append('"');
  }
}
