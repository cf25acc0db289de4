package dev.sightline.kit.export;

import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.io.PrintStream;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Prints log records to standard output, one line each, preceded by their resource.
 *
 * <pre>{@code
 * log INFO 'Alice is rolling the dice' trace=5b8e... span=8b6b... scope=rolldice {result=6}
 * }</pre>
 */
public final class StdoutLogRecordExporter implements LogRecordExporter {
  private final Supplier<PrintStream> out;

  private StdoutLogRecordExporter(Supplier<PrintStream> out) {
    this.out = out;
  }

  /** Prints to {@link System#out} as it is at export time. */
  public static StdoutLogRecordExporter create() {
    return new StdoutLogRecordExporter(() -> System.out);
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    StringBuilder text = new StringBuilder();
    Resource last = null;
    for (LogRecordData log : logs) {
      if (!log.getResource().equals(last)) {
        last = log.getResource();
        text.append(StdoutFormat.resource(last)).append('\n');
      }
      Value<?> body = log.getBodyValue();
      text.append("log ")
          .append(log.getSeverityText() != null ? log.getSeverityText() : log.getSeverity())
          .append(" '")
          .append(body == null ? "" : body.asString())
          .append('\'');
      if (log.getSpanContext().isValid()) {
        text.append(" trace=")
            .append(log.getSpanContext().getTraceId())
            .append(" span=")
            .append(log.getSpanContext().getSpanId());
      }
      text.append(" scope=")
          .append(log.getInstrumentationScopeInfo().getName())
          .append(' ')
          .append(StdoutFormat.attributes(log.getAttributes()))
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
    return "StdoutLogRecordExporter{}";
  }
}
