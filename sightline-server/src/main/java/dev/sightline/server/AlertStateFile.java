package dev.sightline.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sightline.core.io.AtomicFiles;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.AlertEngine;
import dev.sightline.slo.alerting.AlertListener;
import dev.sightline.slo.alerting.AlertTransition;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.slo.evaluation.BurnRateRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the alert state machine across restarts in {@code DATA/alerts.json}: saved after every
 * evaluation that changed an alert, restored at start, so that an alert firing before a restart is
 * not announced (nor an incident opened) a second time.
 */
final class AlertStateFile implements AlertListener {
  private static final Logger logger = LoggerFactory.getLogger(AlertStateFile.class);

  private final Path file;
  private final AlertEngine engine;
  private volatile boolean dirty;

  AlertStateFile(Path file, AlertEngine engine) {
    this.file = file;
    this.engine = engine;
  }

  /** Restores the saved alerts into the engine; a missing or unreadable file restores nothing. */
  void restore(SloRegistry registry) {
    if (!Files.isRegularFile(file)) return;
    try {
      List<Alert> alerts =
          FileIncidentStore.JSON.readValue(file.toFile(), new TypeReference<List<Alert>>() {});
      Map<String, List<String>> ruleOrder = new HashMap<>();
      registry
          .slos()
          .forEach(
              s ->
                  ruleOrder.put(
                      s.metadata().name(),
                      BurnRateRule.forSlo(s).stream().map(BurnRateRule::name).toList()));
      engine.restore(alerts, ruleOrder);
      logger.info("restored {} alerts from {}", alerts.size(), file);
    } catch (IOException | RuntimeException e) {
      logger.warn("cannot restore alerts from {}: {}", file, e.getMessage());
    }
  }

  @Override
  public void onTransition(AlertTransition transition) {
    dirty = true;
  }

  @Override
  public void afterEvaluation(List<Alert> firing) {
    if (!dirty) return;
    dirty = false;
    try {
      AtomicFiles.write(file, FileIncidentStore.JSON.writeValueAsBytes(engine.alerts()));
    } catch (IOException | RuntimeException e) {
      dirty = true;
      logger.warn("cannot save alerts to {}: {}", file, e.getMessage());
    }
  }
}
