package dev.sightline.core.storage;

import java.util.List;

/** A service and its operations (span names), both as seen in stored spans. */
public record ServiceOperations(String service, List<Operation> operations) {
  public ServiceOperations {
    operations = List.copyOf(operations);
  }

  /** An operation with its span kind (SERVER, CLIENT, ...). */
  public record Operation(String name, String spanKind) {}
}
