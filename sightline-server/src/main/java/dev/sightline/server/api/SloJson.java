package dev.sightline.server.api;

import static dev.sightline.server.api.ApiJson.writeInstant;
import static dev.sightline.server.api.ApiJson.writeNullable;
import static dev.sightline.server.api.ApiJson.writeNumber;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sightline.slo.Objective;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.alerting.Alert;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.evaluation.ObjectiveEvaluation;
import dev.sightline.slo.evaluation.SloEvaluation;
import dev.sightline.slo.evaluation.WindowBurnRate;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON of SLOs, alerts and spec problems in the SLO API (docs/api.md): times as RFC 3339,
 * durations as labels ({@code 5m}, {@code 30d}), burn rates and SLIs without events as null.
 */
final class SloJson {
  private SloJson() {}

  /** The alert JSON of {@code GET /api/v1/alerts}. */
  public static void writeAlert(JsonGenerator g, Alert a) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", a.id());
    g.writeStringField("fingerprint", a.fingerprint());
    g.writeStringField("slo", a.slo());
    writeNullable(g, "objective", a.objective());
    g.writeStringField("service", a.service());
    g.writeStringField("severity", a.responsibility().severity().name());
    g.writeStringField("state", a.state().name().toLowerCase(java.util.Locale.ROOT));
    g.writeStringField("rule", a.rule());
    g.writeStringField("ruleSeverity", a.ruleSeverity());
    g.writeStringField("since", a.since().toString());
    writeInstant(g, "resolvedAt", a.resolvedAt());
    writeNullable(g, "resolvedReason", a.resolvedReason());
    g.writeStringField("updatedAt", a.updatedAt().toString());
    writeRates(g, "burnRates", a.burnRates());
    writeNumber(g, "budgetRemaining", a.budgetRemaining());
    writeRates(g, "currentBurnRates", a.currentBurnRates());
    writeNumber(g, "currentBudgetRemaining", a.currentBudgetRemaining());
    writeNullable(
        g,
        "runbook",
        a.responsibility().runbook() == null ? null : a.responsibility().runbook().toString());
    writeNullable(g, "owner", a.responsibility().owner());
    g.writeStringField("respondBy", a.respondBy().toString());
    g.writeEndObject();
  }

  static void writeSlo(
      JsonGenerator g, SloMonitor monitor, Slo slo, java.util.Optional<SloEvaluation> latest)
      throws IOException {
    String name = slo.metadata().name();
    g.writeStartObject();
    g.writeStringField("name", name);
    writeNullable(g, "displayName", slo.metadata().displayName());
    writeNullable(g, "description", slo.description());
    g.writeStringField("service", slo.service());
    writeNullable(g, "source", monitor.registry().source(name).orElse(null));
    g.writeStringField("timeWindow", Alert.windowLabel(slo.timeWindow().duration()));
    g.writeStringField("severity", slo.responsibility().severity().name());
    writeNullable(g, "owner", slo.responsibility().owner());
    writeNullable(
        g,
        "runbook",
        slo.responsibility().runbook() == null ? null : slo.responsibility().runbook().toString());
    g.writeStringField("respondWithin", Alert.windowLabel(slo.responsibility().respondWithin()));
    List<Alert> alerts = monitor.engine().firing();
    if (latest.isPresent() && latest.get() instanceof SloEvaluation.Unsupported u) {
      g.writeStringField("status", "unsupported");
      g.writeStringField("reason", u.reason());
    } else if (latest.isPresent()) {
      g.writeStringField("status", "evaluated");
      SloEvaluation.Evaluated ev = (SloEvaluation.Evaluated) latest.get();
      g.writeStringField("evaluatedAt", ev.asOf().toString());
      // how far back the scope's data reaches: rules are judged once it covers their requirement
      if (ev.dataCoverage() != null) {
        g.writeNumberField("dataCoverageSeconds", ev.dataCoverage().toSeconds());
      } else {
        g.writeNullField("dataCoverageSeconds");
      }
    } else {
      g.writeStringField("status", "pending");
    }
    List<ObjectiveEvaluation> evals =
        latest.isPresent() && latest.get() instanceof SloEvaluation.Evaluated e
            ? e.objectives()
            : List.of();
    g.writeArrayFieldStart("objectives");
    for (int i = 0; i < slo.objectives().size(); i++) {
      Objective o = slo.objectives().get(i);
      ObjectiveEvaluation e = i < evals.size() ? evals.get(i) : null;
      String fingerprint = name + "/" + i;
      Alert firing =
          alerts.stream().filter(a -> a.fingerprint().equals(fingerprint)).findFirst().orElse(null);
      g.writeStartObject();
      writeNullable(g, "displayName", o.displayName());
      g.writeNumberField("target", o.target());
      if (e != null) {
        WindowBurnRate sloWindow =
            e.windows().stream()
                .filter(w -> w.window().equals(slo.timeWindow().duration()))
                .findFirst()
                .orElse(null);
        writeNumber(g, "sli", sloWindow == null ? Double.NaN : 1 - sloWindow.errorRatio());
        if (sloWindow != null) {
          g.writeNumberField("good", sloWindow.good());
          g.writeNumberField("total", sloWindow.total());
        }
        writeNumber(g, "budgetRemaining", e.budgetRemaining());
        g.writeObjectFieldStart("burnRates");
        for (WindowBurnRate w : e.windows())
          writeNumber(g, Alert.windowLabel(w.window()), w.burnRate());
        g.writeEndObject();
        g.writeArrayFieldStart("rules");
        for (var r : e.rules()) {
          g.writeStartObject();
          g.writeStringField("name", r.rule().name());
          g.writeStringField("severity", r.rule().severity());
          g.writeStringField("longWindow", Alert.windowLabel(r.rule().longWindow()));
          g.writeStringField("shortWindow", Alert.windowLabel(r.rule().shortWindow()));
          g.writeNumberField("threshold", r.rule().threshold());
          writeNumber(g, "longBurnRate", r.longBurnRate());
          writeNumber(g, "shortBurnRate", r.shortBurnRate());
          g.writeBooleanField("enoughTraffic", r.enoughTraffic());
          g.writeStringField("requiredCoverage", Alert.windowLabel(r.rule().requiredCoverage()));
          g.writeBooleanField("warmingUp", !r.covered());
          g.writeBooleanField("fires", r.fires());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeStringField("alertState", firing != null ? "firing" : "inactive");
      writeNullable(g, "alertId", firing != null ? firing.id() : null);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeProblem(JsonGenerator g, SloProblem p) throws IOException {
    g.writeStartObject();
    g.writeStringField("file", p.file());
    g.writeNumberField("line", p.line());
    g.writeStringField("field", p.field());
    g.writeStringField("message", p.message());
    g.writeStringField("text", p.toString());
    g.writeEndObject();
  }

  static void writeRates(JsonGenerator g, String field, Map<String, Double> rates)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Double> e : rates.entrySet()) writeNumber(g, e.getKey(), e.getValue());
    g.writeEndObject();
  }
}
