package dev.sightline.incident.analysis.traces;

/**
 * The time of one (service, operation) in one trace: nanoseconds on the trace's critical path, self
 * time (its spans' durations minus the time covered by their synchronous children, summed), how
 * many spans it has and how many of them have status ERROR.
 */
public record OperationTime(long criticalNanos, long selfNanos, int spans, int errorSpans) {}
