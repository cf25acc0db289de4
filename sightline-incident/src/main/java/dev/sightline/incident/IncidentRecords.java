package dev.sightline.incident;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The stored incidents, changed one incident at a time: {@link #update} reads the latest record,
 * applies a change and saves it under that incident's own lock, so changes of one incident never
 * overwrite each other (an acknowledgement made while an investigation ran stays when its result is
 * merged) and never wait for another incident's. Slow work (storage reads) is done before, outside
 * the lock, and only its result is applied inside.
 */
final class IncidentRecords {
  private final IncidentStore store;
  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  IncidentRecords(IncidentStore store) {
    this.store = store;
  }

  IncidentStore store() {
    return store;
  }

  Optional<Incident> get(String id) {
    return store.get(id);
  }

  List<Incident> all() {
    return store.all();
  }

  /** The incident {@code alertId} opened or joined, if any. */
  Optional<Incident> forAlert(String alertId) {
    Optional<Incident> opened = store.get(IncidentManager.incidentId(alertId));
    if (opened.isPresent()) return opened;
    return store.all().stream().filter(i -> i.hasAlert(alertId)).findFirst();
  }

  /** The SLO's incident that is not resolved yet, the newest if there were several. */
  Optional<Incident> unresolvedOf(String slo) {
    return store.all().stream()
        .filter(i -> i.slo().equals(slo) && i.status() != IncidentStatus.RESOLVED)
        .max(java.util.Comparator.comparing(Incident::openedAt));
  }

  /**
   * Applies {@code change} to the latest record of incident {@code id} and saves the result (unless
   * the change returned the record itself); returns it.
   *
   * @throws UnknownIncidentException when there is no such incident
   */
  Incident update(String id, UnaryOperator<Incident> change) {
    return locked(
        id,
        () -> {
          Incident latest = store.get(id).orElseThrow(() -> new UnknownIncidentException(id));
          Incident next = change.apply(latest);
          if (next != latest) store.save(next);
          return next;
        });
  }

  /** Like {@link #update}, doing nothing when there is no such incident. */
  Optional<Incident> updateIfPresent(String id, UnaryOperator<Incident> change) {
    if (store.get(id).isEmpty()) return Optional.empty();
    return Optional.of(update(id, change));
  }

  /** Saves {@code created} unless an incident with its id exists; returns the stored one. */
  Incident create(Incident created) {
    return locked(
        created.id(),
        () -> {
          Optional<Incident> existing = store.get(created.id());
          if (existing.isPresent()) return existing.get();
          store.save(created);
          return created;
        });
  }

  /** Deletes the incident if {@code condition} holds for its latest record; returns whether. */
  boolean deleteIf(String id, java.util.function.Predicate<Incident> condition) {
    boolean deleted =
        locked(
            id,
            () -> {
              Optional<Incident> latest = store.get(id);
              return latest.isPresent() && condition.test(latest.get()) && store.delete(id);
            });
    if (deleted) locks.remove(id);
    return deleted;
  }

  /** Runs {@code body} holding the lock of {@code key} (an incident id, or another name). */
  <T> T locked(String key, Supplier<T> body) {
    ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }
}
