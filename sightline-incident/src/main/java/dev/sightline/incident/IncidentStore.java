package dev.sightline.incident;

import java.util.List;
import java.util.Optional;

/**
 * Where incidents are kept. {@link #save} is durable when it returns: a restart finds every saved
 * incident (so an alert that fired before the restart does not open a second one).
 */
public interface IncidentStore {
  /** Creates or replaces the incident with this id. */
  void save(Incident incident);

  Optional<Incident> get(String id);

  /** Every incident, newest first by opening time. */
  List<Incident> all();

  /** Removes the incident for good (retention); returns whether it existed. */
  boolean delete(String id);
}
