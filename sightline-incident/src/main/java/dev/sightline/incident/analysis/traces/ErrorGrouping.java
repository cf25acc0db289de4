package dev.sightline.incident.analysis.traces;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.analysis.MessageMasker;
import dev.sightline.incident.analysis.SpanRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups error spans by (service, operation, exception type, masked message). Only spans with
 * status ERROR count. Each {@code exception} event of such a span gives a type ({@code
 * exception.type}) and a message ({@code exception.message}); a span without one gives its status
 * message and its {@code error.type} attribute (OTel semantic conventions). Messages are masked
 * with a {@link MessageMasker} (numbers, ids, UUIDs, hex, IPs, quoted values, e-mails become {@code
 * <*>}). A span with several events of the same group counts once. Immutable and thread-safe.
 */
public final class ErrorGrouping {
  private static final String EXCEPTION_EVENT = "exception";

  private final MessageMasker masker;
  private final int maxExamples;

  private ErrorGrouping(Builder b) {
    masker = b.masker;
    maxExamples = b.maxExamples;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Groups of {@code spans} by count descending, then last seen descending, then by key. */
  public List<ErrorGroup> group(List<Span> spans) {
    requireNonNull(spans, "spans");
    Map<List<String>, Acc> groups = new LinkedHashMap<>();
    for (Span span : spans) {
      if (span.statusCode() != StatusCode.ERROR) continue;
      Set<List<String>> seen = new LinkedHashSet<>();
      boolean anyEvent = false;
      for (SpanEvent event : span.events()) {
        if (!EXCEPTION_EVENT.equals(event.name())) continue;
        anyEvent = true;
        String type = orEmpty(event.attributes().getString("exception.type"));
        String message = orEmpty(event.attributes().getString("exception.message"));
        String stack = orEmpty(event.attributes().getString("exception.stacktrace"));
        add(groups, seen, span, type, message, stack);
      }
      if (!anyEvent) {
        add(
            groups,
            seen,
            span,
            orEmpty(span.attributes().getString("error.type")),
            span.statusMessage(),
            "");
      }
    }
    List<ErrorGroup> out = new ArrayList<>(groups.size());
    for (Map.Entry<List<String>, Acc> e : groups.entrySet()) {
      List<String> k = e.getKey();
      Acc a = e.getValue();
      out.add(
          new ErrorGroup(
              k.get(0),
              k.get(1),
              k.get(2),
              k.get(3),
              a.message,
              a.stacktrace,
              a.count,
              a.first,
              a.last,
              a.examples));
    }
    out.sort(
        Comparator.comparingInt(ErrorGroup::count)
            .reversed()
            .thenComparing(Comparator.comparingLong(ErrorGroup::lastSeenUnixNano).reversed())
            .thenComparing(ErrorGroup::service)
            .thenComparing(ErrorGroup::operation)
            .thenComparing(ErrorGroup::exceptionType)
            .thenComparing(ErrorGroup::messageTemplate));
    return out;
  }

  private void add(
      Map<List<String>, Acc> groups,
      Set<List<String>> seen,
      Span span,
      String type,
      String message,
      String stacktrace) {
    List<String> key = List.of(span.serviceName(), span.name(), type, masker.mask(message));
    if (!seen.add(key)) return;
    Acc a = groups.computeIfAbsent(key, k -> new Acc(message, stacktrace));
    if (a.stacktrace.isEmpty()) a.stacktrace = stacktrace;
    a.count++;
    a.first = Math.min(a.first, span.startTimeUnixNano());
    a.last = Math.max(a.last, span.endTimeUnixNano());
    if (a.examples.size() < maxExamples) a.examples.add(SpanRef.of(span));
  }

  private static String orEmpty(@org.jspecify.annotations.Nullable String s) {
    return s == null ? "" : s;
  }

  private static final class Acc {
    final String message;
    String stacktrace;
    int count;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    final List<SpanRef> examples = new ArrayList<>();

    Acc(String message, String stacktrace) {
      this.message = message;
      this.stacktrace = stacktrace;
    }
  }

  /** Options of {@link ErrorGrouping}; every one has a default. */
  public static final class Builder {
    private MessageMasker masker = MessageMasker.all();
    private int maxExamples = 5;

    private Builder() {}

    /** How messages are masked before grouping; default {@link MessageMasker#all()}. */
    public Builder masker(MessageMasker masker) {
      this.masker = requireNonNull(masker, "masker");
      return this;
    }

    /** Example spans kept per group; default 5. */
    public Builder maxExamples(int maxExamples) {
      if (maxExamples < 0) throw new IllegalArgumentException("maxExamples must be non-negative");
      this.maxExamples = maxExamples;
      return this;
    }

    public ErrorGrouping build() {
      return new ErrorGrouping(this);
    }
  }
}
