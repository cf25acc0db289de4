package dev.sightline.testing.scenarios;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.Span;
import java.util.List;

/** Spans and logs of the requests arriving in one window of a scenario; whole traces only. */
public record TelemetryBatch(List<Span> spans, List<LogRecord> logs) {
  public TelemetryBatch {
    spans = List.copyOf(spans);
    logs = List.copyOf(logs);
  }
}
