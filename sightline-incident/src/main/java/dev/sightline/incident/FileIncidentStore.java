package dev.sightline.incident;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sightline.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incidents as one JSON file each in a folder ({@code DATA/incidents/ID.json}), written to a
 * temporary file, fsynced and renamed over the old one, so a crash leaves either version whole. All
 * incidents are also kept in memory (they are few).
 */
public final class FileIncidentStore implements IncidentStore {
  private static final Logger logger = LoggerFactory.getLogger(FileIncidentStore.class);

  /** The JSON mapping of incidents (also used by the API). */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final Path dir;
  private final Map<String, Incident> byId = new ConcurrentHashMap<>();
  private final Map<String, Object> writeLocks = new ConcurrentHashMap<>();

  private FileIncidentStore(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating) the folder and reads every incident in it; unreadable files are skipped. */
  public static FileIncidentStore open(Path dir) {
    FileIncidentStore store = new FileIncidentStore(dir);
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
          try {
            Incident i = JSON.readValue(f.toFile(), Incident.class);
            store.byId.put(i.id(), i);
          } catch (IOException | RuntimeException e) {
            logger.warn("skipping unreadable incident file {}: {}", f, e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open incident folder " + dir, e);
    }
    return store;
  }

  /**
   * Writes one incident; saves of different incidents run in parallel (each has its own lock and
   * temporary file), so a slow disk write of one never holds up another.
   */
  @Override
  public void save(Incident incident) {
    synchronized (writeLocks.computeIfAbsent(incident.id(), k -> new Object())) {
      write(incident);
    }
  }

  private void write(Incident incident) {
    try {
      AtomicFiles.write(dir.resolve(incident.id() + ".json"), JSON.writeValueAsBytes(incident));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save incident " + incident.id(), e);
    }
    byId.put(incident.id(), incident);
  }

  @Override
  public boolean delete(String id) {
    synchronized (writeLocks.computeIfAbsent(id, k -> new Object())) {
      try {
        AtomicFiles.delete(dir.resolve(id + ".json"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete incident " + id, e);
      }
      boolean existed = byId.remove(id) != null;
      writeLocks.remove(id);
      return existed;
    }
  }

  @Override
  public Optional<Incident> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public List<Incident> all() {
    List<Incident> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(Incident::openedAt).reversed().thenComparing(Incident::id));
    return out;
  }
}
