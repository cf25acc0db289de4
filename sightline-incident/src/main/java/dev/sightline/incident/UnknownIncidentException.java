package dev.sightline.incident;

/** No incident has the given id. */
public final class UnknownIncidentException extends RuntimeException {
  public UnknownIncidentException(String id) {
    super("no incident with id " + id);
  }
}
