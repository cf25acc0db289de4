package dev.sightline.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.MediaType;
import dev.sightline.incident.BaselineNote;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.Incident;
import dev.sightline.incident.IncidentManager;
import dev.sightline.incident.IncidentStatus;
import dev.sightline.incident.UnknownIncidentException;
import dev.sightline.incident.postmortem.PostmortemWriter;
import dev.sightline.query.QueryParameters;
import dev.sightline.server.auth.Role;
import dev.sightline.slo.Severity;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The incident API (docs/api.md): list, card, lifecycle actions, action items and the Markdown
 * post-mortem. Times are RFC 3339; enum values lower case.
 */
public final class IncidentApi {
  private static final ObjectMapper JSON = FileIncidentStore.JSON;
  private static final MediaType MARKDOWN = MediaType.parse("text/markdown; charset=utf-8");

  private final Function<String, @Nullable IncidentManager> managers;

  /**
   * Serves each caller the incidents of its tenant ({@link ApiCall#tenant()}) only: an incident of
   * another tenant answers 404 like an unknown one.
   *
   * @param managers the incident engine of a tenant; null for a tenant without SLOs
   */
  public IncidentApi(Function<String, @Nullable IncidentManager> managers) {
    this.managers = managers;
  }

  /** The incident engine of {@code tenant}; a tenant without one has no incident {@code id}. */
  private IncidentManager incidents(String tenant, String id) {
    IncidentManager m = managers.apply(tenant);
    if (m == null) throw new UnknownIncidentException(id);
    return m;
  }

  /** Declares the incident routes. */
  public void register(ApiRoutes routes) {
    routes
        .get("incidents", "/api/v1/incidents", Role.READ, this::list)
        .get("incident", "/api/v1/incidents/{id}", Role.READ, c -> card(find(c)))
        .get(
            "incident_postmortem",
            "/api/v1/incidents/{id}/postmortem",
            Role.READ,
            c -> ApiResult.text(MARKDOWN, PostmortemWriter.markdown(find(c))));
    lifecycle(routes, "ack", (m, id, by, note) -> m.acknowledge(id, by));
    lifecycle(routes, "mitigate", (m, id, by, note) -> m.mitigate(id, by, note));
    lifecycle(routes, "resolve", (m, id, by, note) -> m.resolve(id, by, note));
    routes.post(
        "incident_action_item",
        "/api/v1/incidents/{id}/action-items/{itemId}",
        Role.WRITE,
        c -> {
          JsonNode body = c.jsonObject();
          JsonNode done = body.get("done");
          if (done == null || !done.isBoolean()) {
            throw badRequest("done", "required: true or false");
          }
          String id = c.path("id");
          IncidentManager m = incidents(c.tenant(), id);
          return card(
              change(
                  () ->
                      m.markActionItem(
                          id, c.path("itemId"), done.asBoolean(), text(body, "by", false))));
        });
    routes.post(
        "incident_action_items",
        "/api/v1/incidents/{id}/action-items",
        Role.WRITE,
        c -> {
          JsonNode body = c.jsonObject();
          String text = text(body, "text", true);
          String id = c.path("id");
          IncidentManager m = incidents(c.tenant(), id);
          Incident i = change(() -> m.addActionItem(id, text, text(body, "owner", false)));
          return ApiResult.tree(201, cardNode(i));
        });
  }

  /** A lifecycle move: incident id, who ({@code by}) and a note, both optional. */
  private interface Transition {
    Incident apply(IncidentManager m, String id, @Nullable String by, @Nullable String note);
  }

  /** {@code POST /api/v1/incidents/{id}/ACTION} with optional {@code by} and {@code note}. */
  private void lifecycle(ApiRoutes routes, String action, Transition transition) {
    routes.post(
        "incident_" + action,
        "/api/v1/incidents/{id}/" + action,
        Role.WRITE,
        c -> {
          JsonNode body = c.jsonObject();
          String id = c.path("id");
          String by = text(body, "by", false);
          String note = text(body, "note", false);
          IncidentManager m = incidents(c.tenant(), id);
          return card(change(() -> transition.apply(m, id, by, note)));
        });
  }

  /**
   * A change of an incident; the engine refuses a request beyond its limits (action items, text
   * length) with an {@link IllegalArgumentException} whose message is for the client: 400.
   */
  private static Incident change(Supplier<Incident> change) {
    try {
      return change.get();
    } catch (IllegalArgumentException e) {
      throw badRequest(null, String.valueOf(e.getMessage()));
    }
  }

  private Incident find(ApiCall c) {
    String id = c.path("id");
    return incidents(c.tenant(), id)
        .store()
        .get(id)
        .orElseThrow(() -> new UnknownIncidentException(id));
  }

  /** Incidents listed by default, and at most (newest first). */
  static final int DEFAULT_LIST_LIMIT = 200;

  static final int MAX_LIST_LIMIT = 1_000;

  private ApiResult list(ApiCall c) {
    QueryParameters p = c.params();
    IncidentStatus wanted = null;
    for (String name : p.names()) {
      if (!name.equals("status") && !name.equals("severity") && !name.equals("limit")) {
        throw badRequest(name, "unknown parameter; known: limit, severity, status");
      }
    }
    int limit = DEFAULT_LIST_LIMIT;
    String limitText = p.string("limit");
    if (limitText != null && !limitText.isBlank()) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIST_LIMIT) {
        throw badRequest("limit", "must be between 1 and " + MAX_LIST_LIMIT);
      }
    }
    Severity severity = null;
    String sev = p.string("severity");
    if (sev != null && !sev.isBlank()) {
      try {
        severity = Severity.valueOf(sev.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw badRequest("severity", "expected P0, P1, P2 or P3");
      }
    }
    String status = p.string("status");
    if (status != null && !status.isBlank()) {
      try {
        wanted = IncidentStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw badRequest("status", "expected open, acknowledged, mitigated or resolved");
      }
    }
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("incidents");
    IncidentManager incidents = managers.apply(c.tenant());
    for (Incident i : incidents == null ? List.<Incident>of() : incidents.store().all()) {
      if (wanted != null && i.status() != wanted) continue;
      if (severity != null && i.severity() != severity) continue;
      if (list.size() == limit) {
        root.put("truncated", true);
        break;
      }
      list.add(summary(i));
    }
    return ApiResult.tree(200, root);
  }

  /** The list entry: the fields every view needs. */
  static ObjectNode summary(Incident i) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", i.id());
    n.put("slo", i.slo());
    n.put("service", i.service());
    n.put("severity", i.severity().name());
    n.put("status", i.status().name().toLowerCase(Locale.ROOT));
    n.put("openedAt", i.openedAt().toString());
    n.put("updatedAt", i.updatedAt().toString());
    Hypothesis root = i.rootCause();
    if (root == null) {
      n.putNull("rootCause");
    } else {
      ObjectNode rc = n.putObject("rootCause");
      rc.put("service", root.service());
      rc.put("operation", root.operation());
      rc.put("summary", root.detail());
      rc.put("confidence", root.confidence());
      if (root.attributeKey() != null) {
        rc.put("attribute", root.attributeKey() + "=" + root.attributeValue());
      }
    }
    n.put("owner", i.owner());
    n.put("runbook", i.runbook());
    n.put("respondBy", i.respondBy().toString());
    n.put("verification", i.verification().status().name().toLowerCase(Locale.ROOT));
    n.put("investigation", i.investigation());
    n.put("alertId", i.alertId());
    ArrayNode alertIds = n.putArray("alertIds");
    i.alertIds().forEach(alertIds::add);
    return n;
  }

  private static ApiResult card(Incident i) {
    return ApiResult.tree(200, cardNode(i));
  }

  static ObjectNode cardNode(Incident i) {
    ObjectNode n = summary(i);
    ObjectNode full = JSON.valueToTree(i);
    n.set("objective", full.get("objective"));
    n.put("objectiveTarget", i.objectiveTarget());
    n.set("window", full.get("window"));
    n.set("baseline", full.get("baseline"));
    n.put("baselineNote", BaselineNote.of(i));
    ObjectNode impact = (ObjectNode) full.get("impact");
    // a zero-length baseline has no error ratio: null, not a 0 that reads as "healthy before"
    if (i.baseline().length().isZero()) impact.putNull("baselineErrorRatio");
    n.set("impact", impact);
    n.set("hypotheses", full.get("hypotheses"));
    ObjectNode evidence = (ObjectNode) full.get("evidence");
    // the documented shape: bad and baseline traces as trace ids, details beside them
    ObjectNode ev = JSON.createObjectNode();
    ev.put("baselineAvailable", i.evidence().baselineAvailable());
    ev.set("badTraces", ids(evidence.get("badTraces")));
    ev.set("baselineTraces", ids(evidence.get("baselineTraces")));
    ev.set("badTraceDetails", evidence.get("badTraces"));
    ev.set("baselineTraceDetails", evidence.get("baselineTraces"));
    ev.set("criticalPath", evidence.get("criticalPath"));
    ev.set("attributes", evidence.get("attributes"));
    ev.set("errors", evidence.get("errors"));
    ArrayNode patterns = ev.putArray("logPatterns");
    for (JsonNode p : evidence.get("logPatterns")) {
      ObjectNode q = JSON.createObjectNode();
      q.put("pattern", p.get("pattern").get("template").asText());
      q.set("count", p.get("count"));
      q.set("baselineCount", p.get("baselineCount"));
      q.set("new", p.get("isNew") != null ? p.get("isNew") : p.get("new"));
      q.set("increased", p.get("increased"));
      q.set("ratePerMinute", p.get("ratePerMinute"));
      q.set("baselineRatePerMinute", p.get("baselineRatePerMinute"));
      q.set("ratio", p.get("ratio"));
      q.set("exampleTraceIds", p.get("exampleTraceIds"));
      q.set("examples", p.get("pattern").get("examples"));
      q.set("severities", p.get("pattern").get("severities"));
      patterns.add(q);
    }
    ev.set("changes", evidence.get("changes"));
    ev.set("dependencies", evidence.get("dependencies"));
    ev.set("logQueries", evidence.get("logQueries"));
    n.set("evidence", ev);
    n.put("investigation", i.investigation());
    n.put("investigationMillis", i.investigationMillis());
    n.put(
        "evidenceGatheredAt",
        i.evidenceGatheredAt() == null ? null : i.evidenceGatheredAt().toString());
    n.set("timeline", full.get("timeline"));
    ObjectNode verification = (ObjectNode) full.get("verification");
    verification.put("status", i.verification().status().name().toLowerCase(Locale.ROOT));
    n.set("verification", verification);
    n.set("actionItems", full.get("actionItems"));
    n.put("postmortem", "/api/v1/incidents/" + i.id() + "/postmortem");
    return n;
  }

  private static ArrayNode ids(JsonNode refs) {
    ArrayNode out = JSON.createArrayNode();
    for (JsonNode r : refs) out.add(r.get("traceId").asText());
    return out;
  }

  private static @Nullable String text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      if (required) throw badRequest(field, "required: a non-empty string");
      return null;
    }
    if (!v.isTextual()) throw badRequest(field, "must be a string");
    return v.asText();
  }

  /** A 400 naming {@code parameter} (a query parameter or body field) in its message. */
  private static ApiException badRequest(@Nullable String parameter, String message) {
    return ApiException.badRequest(
        parameter, parameter == null ? message : parameter + ": " + message);
  }
}
