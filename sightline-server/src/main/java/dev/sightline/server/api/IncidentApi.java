package dev.sightline.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.incident.BaselineNote;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.Hypothesis;
import dev.sightline.incident.IllegalTransitionException;
import dev.sightline.incident.Incident;
import dev.sightline.incident.IncidentManager;
import dev.sightline.incident.IncidentStatus;
import dev.sightline.incident.UnknownIncidentException;
import dev.sightline.incident.postmortem.PostmortemWriter;
import dev.sightline.otlp.receiver.RequestTenant;
import dev.sightline.query.ApiResponse;
import dev.sightline.slo.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incident API (docs/api.md): list, card, lifecycle actions, action items and the Markdown
 * post-mortem. Times are RFC 3339; enum values lower case.
 */
public final class IncidentApi {
  private static final Logger logger = LoggerFactory.getLogger(IncidentApi.class);
  private static final ObjectMapper JSON = FileIncidentStore.JSON;
  private static final int MAX_BODY = 64 * 1024;

  private final Function<String, @Nullable IncidentManager> managers;

  /**
   * Serves each caller the incidents of its tenant ({@link RequestTenant}) only: an incident of
   * another tenant answers 404 like an unknown one.
   *
   * @param managers the incident engine of a tenant; null for a tenant without SLOs
   */
  public IncidentApi(Function<String, @Nullable IncidentManager> managers) {
    this.managers = managers;
  }

  /**
   * The incident engine of the current request's tenant (the blocking executor keeps the context);
   * a tenant without one has no incident {@code id}.
   */
  private IncidentManager incidents(String id) {
    IncidentManager m = managers.apply(RequestTenant.current());
    if (m == null) throw new UnknownIncidentException(id);
    return m;
  }

  public void bind(ServerBuilder sb) {
    sb.route().get("/api/v1/incidents").build((ctx, req) -> blocking(ctx, () -> list(ctx)));
    sb.route()
        .get("/api/v1/incidents/{id}")
        .build((ctx, req) -> blocking(ctx, () -> card(find(ctx.pathParam("id")))));
    sb.route()
        .get("/api/v1/incidents/{id}/postmortem")
        .build(
            (ctx, req) ->
                blocking(
                    ctx,
                    () ->
                        HttpResponse.of(
                            HttpStatus.OK,
                            MediaType.parse("text/markdown; charset=utf-8"),
                            PostmortemWriter.markdown(find(ctx.pathParam("id"))))));
    lifecycle(sb, "ack", (id, by, note) -> incidents(id).acknowledge(id, by));
    lifecycle(sb, "mitigate", (id, by, note) -> incidents(id).mitigate(id, by, note));
    lifecycle(sb, "resolve", (id, by, note) -> incidents(id).resolve(id, by, note));
    sb.route()
        .post("/api/v1/incidents/{id}/action-items/{itemId}")
        .maxRequestLength(MAX_BODY)
        .build(
            (ctx, req) ->
                withBody(
                    ctx,
                    req,
                    body -> {
                      JsonNode done = body.get("done");
                      if (done == null || !done.isBoolean()) {
                        throw new BadRequest("done", "required: true or false");
                      }
                      return card(
                          incidents(ctx.pathParam("id"))
                              .markActionItem(
                                  ctx.pathParam("id"),
                                  ctx.pathParam("itemId"),
                                  done.asBoolean(),
                                  text(body, "by", false)));
                    }));
    sb.route()
        .post("/api/v1/incidents/{id}/action-items")
        .maxRequestLength(MAX_BODY)
        .build(
            (ctx, req) ->
                withBody(
                    ctx,
                    req,
                    body -> {
                      String text = text(body, "text", true);
                      Incident i =
                          incidents(ctx.pathParam("id"))
                              .addActionItem(ctx.pathParam("id"), text, text(body, "owner", false));
                      return json(HttpStatus.CREATED, cardNode(i));
                    }));
  }

  /** A lifecycle move: incident id, who ({@code by}) and a note, both optional. */
  private interface Transition {
    Incident apply(String id, @Nullable String by, @Nullable String note);
  }

  /** {@code POST /api/v1/incidents/{id}/ACTION} with optional {@code by} and {@code note}. */
  private void lifecycle(ServerBuilder sb, String action, Transition transition) {
    sb.route()
        .post("/api/v1/incidents/{id}/" + action)
        .maxRequestLength(MAX_BODY)
        .build(
            (ctx, req) ->
                withBody(
                    ctx,
                    req,
                    body ->
                        card(
                            transition.apply(
                                ctx.pathParam("id"),
                                text(body, "by", false),
                                text(body, "note", false)))));
  }

  private Incident find(String id) {
    return incidents(id).store().get(id).orElseThrow(() -> new UnknownIncidentException(id));
  }

  /** Incidents listed by default, and at most (newest first). */
  static final int DEFAULT_LIST_LIMIT = 200;

  static final int MAX_LIST_LIMIT = 1_000;

  private HttpResponse list(ServiceRequestContext ctx) {
    IncidentStatus wanted = null;
    for (String name : ctx.queryParams().names()) {
      if (!name.equals("status") && !name.equals("severity") && !name.equals("limit")) {
        throw new BadRequest(name, "unknown parameter; known: limit, severity, status");
      }
    }
    int limit = DEFAULT_LIST_LIMIT;
    String limitText = ctx.queryParam("limit");
    if (limitText != null && !limitText.isBlank()) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIST_LIMIT) {
        throw new BadRequest("limit", "must be between 1 and " + MAX_LIST_LIMIT);
      }
    }
    Severity severity = null;
    String sev = ctx.queryParam("severity");
    if (sev != null && !sev.isBlank()) {
      try {
        severity = Severity.valueOf(sev.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("severity", "expected P0, P1, P2 or P3");
      }
    }
    String status = ctx.queryParam("status");
    if (status != null && !status.isBlank()) {
      try {
        wanted = IncidentStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequest("status", "expected open, acknowledged, mitigated or resolved");
      }
    }
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("incidents");
    IncidentManager incidents = managers.apply(RequestTenant.current());
    for (Incident i : incidents == null ? List.<Incident>of() : incidents.store().all()) {
      if (wanted != null && i.status() != wanted) continue;
      if (severity != null && i.severity() != severity) continue;
      if (list.size() == limit) {
        root.put("truncated", true);
        break;
      }
      list.add(summary(i));
    }
    return json(HttpStatus.OK, root);
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

  private static HttpResponse card(Incident i) {
    return json(HttpStatus.OK, cardNode(i));
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
      if (required) throw new BadRequest(field, "required: a non-empty string");
      return null;
    }
    if (!v.isTextual()) throw new BadRequest(field, "must be a string");
    return v.asText();
  }

  private HttpResponse withBody(
      ServiceRequestContext ctx, HttpRequest req, Function<JsonNode, HttpResponse> action) {
    CompletableFuture<HttpResponse> f =
        req.aggregate()
            .thenApplyAsync(
                (AggregatedHttpRequest agg) ->
                    handle(
                        ctx,
                        () -> {
                          String text = agg.content(StandardCharsets.UTF_8);
                          JsonNode body;
                          if (text.isBlank()) {
                            body = JSON.createObjectNode();
                          } else {
                            try {
                              body = JSON.readTree(text);
                            } catch (IOException e) {
                              throw new BadRequest(null, "the body is not valid JSON");
                            }
                            if (!body.isObject()) {
                              throw new BadRequest(null, "the body must be a JSON object");
                            }
                          }
                          return action.apply(body);
                        }),
                ctx.blockingTaskExecutor());
    return HttpResponse.of(f);
  }

  private static HttpResponse blocking(
      ServiceRequestContext ctx, java.util.function.Supplier<HttpResponse> call) {
    return HttpResponse.of(
        CompletableFuture.supplyAsync(() -> handle(ctx, call), ctx.blockingTaskExecutor()));
  }

  private static HttpResponse handle(
      ServiceRequestContext ctx, java.util.function.Supplier<HttpResponse> call) {
    try {
      return call.get();
    } catch (UnknownIncidentException e) {
      return error(HttpStatus.NOT_FOUND, null, e.getMessage());
    } catch (IllegalTransitionException e) {
      return error(HttpStatus.CONFLICT, null, e.getMessage());
    } catch (BadRequest e) {
      return error(HttpStatus.BAD_REQUEST, e.parameter, e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(HttpStatus.BAD_REQUEST, null, e.getMessage());
    } catch (RuntimeException e) {
      ApiResponse r = InternalErrors.of(ctx, logger, "incident API call", e);
      return HttpResponse.of(
          HttpStatus.valueOf(r.status()), MediaType.JSON_UTF_8, HttpData.wrap(r.json()));
    }
  }

  private static HttpResponse error(HttpStatus status, @Nullable String parameter, String msg) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("status", status.code());
    e.put("message", msg);
    if (parameter != null) e.put("parameter", parameter);
    return json(status, root);
  }

  private static HttpResponse json(HttpStatus status, JsonNode body) {
    try {
      return HttpResponse.of(
          ResponseHeaders.of(status, "content-type", MediaType.JSON_UTF_8.toString()),
          HttpData.wrap(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A bad request naming the offending field or parameter. */
  private static final class BadRequest extends RuntimeException {
    final @Nullable String parameter;

    BadRequest(@Nullable String parameter, String message) {
      super(parameter == null ? message : parameter + ": " + message);
      this.parameter = parameter;
    }
  }
}
