package dev.sightline.kit.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Prints spans to standard output, one line each, preceded by their resource. Unlike the SDK's
 * {@code console} exporter, which logs through {@code java.util.logging}, it keeps printing while
 * the JVM shuts down (JUL's own shutdown hook removes its handlers), so the final flush is visible.
 *
 * <pre>{@code
 * span 'roll' trace=5b8e... span=8b6b... parent=612b... INTERNAL OK scope=rolldice 0.018ms {roll.value=6}
 * }</pre>
 */
public final class StdoutSpanExporter implements SpanExporter {
  private final Supplier<PrintStream> out;

  private StdoutSpanExporter(Supplier<PrintStream> out) {
    this.out = out;
  }

  /** Prints to {@link System#out} as it is at export time. */
  public static StdoutSpanExporter create() {
    return new StdoutSpanExporter(() -> System.out);
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    StringBuilder text = new StringBuilder();
    Resource last = null;
    for (SpanData span : spans) {
      if (!span.getResource().equals(last)) {
        last = span.getResource();
        text.append(StdoutFormat.resource(last)).append('\n');
      }
      text.append("span '")
          .append(span.getName())
          .append("' trace=")
          .append(span.getTraceId())
          .append(" span=")
          .append(span.getSpanId());
      if (span.getParentSpanContext().isValid()) {
        text.append(" parent=").append(span.getParentSpanId());
      }
      text.append(' ').append(span.getKind()).append(' ').append(span.getStatus().getStatusCode());
      if (!span.getStatus().getDescription().isEmpty()) {
        text.append("(").append(span.getStatus().getDescription()).append(')');
      }
      text.append(" scope=")
          .append(span.getInstrumentationScopeInfo().getName())
          .append(' ')
          .append(
              String.format("%.3fms", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6))
          .append(' ')
          .append(StdoutFormat.attributes(span.getAttributes()))
          .append('\n');
    }
    StdoutFormat.print(out, text);
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    out.get().flush();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return flush();
  }

  @Override
  public String toString() {
    return "StdoutSpanExporter{}";
  }
}
