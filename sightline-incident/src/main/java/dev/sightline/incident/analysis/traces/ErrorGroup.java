package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.incident.analysis.SpanRef;
import java.util.List;

/**
 * Error spans of one (service, operation) with the same exception type and masked message.
 *
 * @param exceptionType {@code exception.type}, else the span's {@code error.type} attribute, else
 *     empty
 * @param messageTemplate the message with variable parts masked as {@code <*>}
 * @param exampleMessage the first message seen verbatim
 * @param exampleStacktrace the first {@code exception.stacktrace} seen, empty when none
 * @param count error spans in the group
 * @param firstSeenUnixNano earliest start time of a span in the group
 * @param lastSeenUnixNano latest end time of a span in the group
 * @param examples the first few spans, in input order
 */
public record ErrorGroup(
    String service,
    String operation,
    String exceptionType,
    String messageTemplate,
    String exampleMessage,
    String exampleStacktrace,
    int count,
    long firstSeenUnixNano,
    long lastSeenUnixNano,
    List<SpanRef> examples) {
  public ErrorGroup {
    requireNonNull(service, "service");
    requireNonNull(operation, "operation");
    requireNonNull(exceptionType, "exceptionType");
    requireNonNull(messageTemplate, "messageTemplate");
    requireNonNull(exampleMessage, "exampleMessage");
    requireNonNull(exampleStacktrace, "exampleStacktrace");
    examples = List.copyOf(examples);
  }
}
