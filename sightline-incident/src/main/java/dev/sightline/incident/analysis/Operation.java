package dev.sightline.incident.analysis;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Span;
import java.util.Comparator;

/** A (service, operation) pair: a span's {@code service.name} and its span name. */
public record Operation(String service, String name) implements Comparable<Operation> {
  private static final Comparator<Operation> ORDER =
      Comparator.comparing(Operation::service).thenComparing(Operation::name);

  public Operation {
    requireNonNull(service, "service");
    requireNonNull(name, "name");
  }

  public static Operation of(Span span) {
    return new Operation(span.serviceName(), span.name());
  }

  @Override
  public int compareTo(Operation o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return service + " " + name;
  }
}
