package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incidents expire like telemetry: resolved ones after the retention, and beyond a cap. */
class IncidentRetentionTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @TempDir Path dir;

  static Incident incident(String id, IncidentStatus status, Instant updatedAt) throws Exception {
    ObjectNode n = FileIncidentStore.JSON.valueToTree(FileIncidentStoreRoundTripTest.sample());
    n.put("id", id);
    n.put("status", status.name());
    n.put("openedAt", updatedAt.minus(Duration.ofHours(1)).toString());
    n.put("updatedAt", updatedAt.toString());
    return FileIncidentStore.JSON.treeToValue(n, Incident.class);
  }

  @Test
  void resolvedIncidentsExpire_openOnesNever_andFilesGo() throws Exception {
    FileIncidentStore store = FileIncidentStore.open(dir);
    store.save(
        incident("inc-old-resolved", IncidentStatus.RESOLVED, NOW.minus(Duration.ofDays(91))));
    store.save(incident("inc-old-open", IncidentStatus.OPEN, NOW.minus(Duration.ofDays(200))));
    store.save(
        incident("inc-old-acked", IncidentStatus.ACKNOWLEDGED, NOW.minus(Duration.ofDays(120))));
    store.save(
        incident("inc-recent-resolved", IncidentStatus.RESOLVED, NOW.minus(Duration.ofDays(89))));
    IncidentRetention retention =
        new IncidentRetention(new IncidentRecords(store), Duration.ofDays(90), 10_000);

    assertThat(retention.expire(NOW)).isEqualTo(1);
    assertThat(store.all())
        .extracting(Incident::id)
        .containsExactlyInAnyOrder("inc-old-open", "inc-old-acked", "inc-recent-resolved");
    assertThat(dir.resolve("inc-old-resolved.json")).doesNotExist();
    // a restart does not bring it back
    assertThat(FileIncidentStore.open(dir).get("inc-old-resolved")).isEmpty();
    // once an hour at most
    retention.expireIfDue(NOW);
    store.save(incident("inc-x", IncidentStatus.RESOLVED, NOW.minus(Duration.ofDays(100))));
    retention.expireIfDue(NOW.plus(Duration.ofMinutes(30)));
    assertThat(store.get("inc-x")).isPresent();
    retention.expireIfDue(NOW.plus(Duration.ofMinutes(61)));
    assertThat(store.get("inc-x")).isEmpty();
  }

  @Test
  void beyondTheCap_theOldestResolvedGoFirst_evenWithoutRetention() throws Exception {
    FileIncidentStore store = FileIncidentStore.open(dir);
    for (int i = 0; i < 6; i++) {
      store.save(
          incident("inc-r" + i, IncidentStatus.RESOLVED, NOW.minus(Duration.ofDays(10 - i))));
    }
    store.save(incident("inc-open", IncidentStatus.OPEN, NOW.minus(Duration.ofDays(30))));
    IncidentRetention retention =
        new IncidentRetention(new IncidentRecords(store), Duration.ZERO, 4);

    assertThat(retention.expire(NOW)).isEqualTo(3);
    assertThat(store.all())
        .extracting(Incident::id)
        .containsExactlyInAnyOrder("inc-open", "inc-r3", "inc-r4", "inc-r5");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(f -> !f.getFileName().toString().startsWith("."))).hasSize(4);
    }
  }
}
