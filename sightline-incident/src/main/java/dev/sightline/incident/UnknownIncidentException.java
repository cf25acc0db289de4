package dev.sightline.incident;

/** No incident has the given id (or the incident has no such action item). */
public final class UnknownIncidentException extends RuntimeException {
  public UnknownIncidentException(String id) {
    super("no incident with id " + id);
  }

  private UnknownIncidentException(String message, boolean unused) {
    super(message);
  }

  /** The incident {@code id} has no action item {@code itemId}. */
  public static UnknownIncidentException actionItem(String id, String itemId) {
    return new UnknownIncidentException("no action item " + itemId + " in incident " + id, true);
  }
}
