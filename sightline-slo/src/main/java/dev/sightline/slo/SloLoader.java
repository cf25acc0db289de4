package dev.sightline.slo;

import dev.sightline.slo.YamlMapping.Problems;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads OpenSLO v1 specs ({@code apiVersion: openslo/v1}) from a folder of {@code *.yaml} and
 * {@code *.yml} files, each holding one or more YAML documents, and resolves references ({@code
 * indicatorRef}, {@code alertPolicyRef}, {@code conditionRef}, {@code targetRef}) across all files.
 *
 * <p>Never throws for bad content: every problem is returned as a {@link SloProblem} naming the
 * file, line and field, and only the documents with problems (or referring to one) are left out. A
 * file that is not valid YAML contributes nothing. When a name is defined twice for one kind, the
 * first (by file name, then position) is kept and the second reported.
 */
public final class SloLoader {
  static final String API_VERSION = "openslo/v1";

  /**
   * SnakeYAML's limits, set here rather than trusted to its defaults: an SLO file is small, so a
   * file beyond them is a problem, never minutes of parsing. Aliases of collections are what a
   * billion-laughs document multiplies.
   */
  static final int MAX_FILE_CODE_POINTS = 1_000_000;

  static final int MAX_NESTING_DEPTH = 50;
  static final int MAX_COLLECTION_ALIASES = 50;

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_FILE_CODE_POINTS);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
    options.setAllowRecursiveKeys(false);
    return options;
  }

  private static final List<String> KINDS =
      List.of("SLO", "SLI", "Service", "AlertPolicy", "AlertCondition", "AlertNotificationTarget");
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

  /**
   * Whether {@code name} is a valid {@code metadata.name}: lowercase letters, digits, '-' and '.',
   * starting and ending with a letter or digit (a DNS subdomain name, as OpenSLO requires). Such a
   * name is also a safe file name: no separators, never {@code .} or {@code ..}, never hidden.
   */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  private final List<Document> documents = new ArrayList<>();
  private final List<Problems> fileProblems = new ArrayList<>();
  private final Map<String, Map<String, Document>> byKindAndName = new HashMap<>();
  private final Map<Document, Optional<Object>> parsed = new HashMap<>();

  private SloLoader() {}

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file directly in {@code dir} (not in sub-folders,
   * hidden files skipped), in name order. Files are named in problems as {@code dir.resolve(name)}.
   *
   * @throws IOException when the folder itself cannot be listed
   */
  public static SloCatalog loadFolder(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return !n.startsWith(".")
                        && (n.endsWith(".yaml") || n.endsWith(".yml"))
                        && Files.isRegularFile(p);
                  })
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
    }
    Map<String, String> contents = new LinkedHashMap<>();
    SloLoader loader = new SloLoader();
    for (Path f : files) {
      String name = dir.resolve(f.getFileName()).toString();
      try {
        contents.put(name, Files.readString(f));
      } catch (CharacterCodingException e) {
        loader.fileProblem(name, 1, "file is not UTF-8 text");
      } catch (IOException e) {
        loader.fileProblem(name, 1, "cannot read: " + e.getMessage());
      }
    }
    return loader.loadAll(contents);
  }

  /** Loads YAML texts keyed by the file name to report, in the map's iteration order. */
  public static SloCatalog parse(Map<String, String> files) {
    return new SloLoader().loadAll(files);
  }

  private SloCatalog loadAll(Map<String, String> files) {
    for (Map.Entry<String, String> f : files.entrySet()) {
      readFile(f.getKey(), f.getValue());
    }
    List<SloProblem> problems = new ArrayList<>();
    for (Problems p : fileProblems) {
      problems.addAll(p.list());
    }
    List<Slo> slos = new ArrayList<>();
    List<Sli> slis = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<AlertPolicy> policies = new ArrayList<>();
    List<AlertCondition> conditions = new ArrayList<>();
    List<AlertNotificationTarget> targets = new ArrayList<>();
    for (Document d : documents) {
      Object spec = resolve(d);
      if (spec instanceof Slo s) {
        slos.add(s);
      } else if (spec instanceof Sli s) {
        slis.add(s);
      } else if (spec instanceof Service s) {
        services.add(s);
      } else if (spec instanceof AlertPolicy s) {
        policies.add(s);
      } else if (spec instanceof AlertCondition s) {
        conditions.add(s);
      } else if (spec instanceof AlertNotificationTarget s) {
        targets.add(s);
      }
      problems.addAll(d.problems.list());
    }
    problems.sort(Comparator.comparing(SloProblem::file).thenComparingInt(SloProblem::line));
    return new SloCatalog(slos, slis, services, policies, conditions, targets, problems);
  }

  private void fileProblem(String file, int line, String message) {
    Problems p = new Problems(file);
    p.add(line, "-", message);
    fileProblems.add(p);
  }

  private void readFile(String file, String text) {
    Yaml yaml = new Yaml(new SafeConstructor(loaderOptions()));
    List<Node> nodes = new ArrayList<>();
    try {
      for (Node n : yaml.composeAll(new StringReader(text))) {
        nodes.add(n);
      }
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      fileProblem(file, line, "YAML syntax error: " + e.getProblem());
      return;
    } catch (YAMLException e) {
      fileProblem(file, 1, "YAML error: " + e.getMessage());
      return;
    }
    for (Node n : nodes) {
      if (n instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
        continue; // an empty document
      }
      Problems problems = new Problems(file);
      Document d = readHeader(n, problems);
      if (d == null) {
        fileProblems.add(problems);
        continue;
      }
      Map<String, Document> sameKind = byKindAndName.computeIfAbsent(d.kind, k -> new HashMap<>());
      Document first = sameKind.get(d.meta.name());
      if (first != null) {
        d.metaMap.problem(
            "name",
            "duplicate "
                + d.kind
                + " name '"
                + d.meta.name()
                + "', first defined at "
                + first.problems.file()
                + ":"
                + first.line);
        fileProblems.add(problems);
        continue;
      }
      sameKind.put(d.meta.name(), d);
      documents.add(d);
    }
  }

  /** apiVersion, kind and metadata of one document; {@code null} when any is wrong. */
  private static @Nullable Document readHeader(Node node, Problems problems) {
    YamlMapping root = YamlMapping.of(node, "", problems);
    if (root == null) {
      return null;
    }
    root.allowOnly(Set.of("apiVersion", "kind", "metadata", "spec"));
    String apiVersion = root.string("apiVersion", true);
    if (apiVersion != null && !apiVersion.equals(API_VERSION)) {
      root.problem(
          "apiVersion", "unsupported apiVersion '" + apiVersion + "', expected " + API_VERSION);
    }
    String kind = root.string("kind", true);
    if (kind != null && !KINDS.contains(kind)) {
      root.problem(
          "kind", "unknown kind '" + kind + "', expected one of " + String.join(", ", KINDS));
    }
    YamlMapping metaMap = root.mapping("metadata", true);
    ObjectMeta meta = metaMap == null ? null : meta(metaMap);
    if (kind == null || problems.count() > 0 || meta == null || metaMap == null) {
      return null;
    }
    return new Document(kind, meta, metaMap, root, problems, YamlMapping.line(node));
  }

  private static @Nullable ObjectMeta meta(YamlMapping m) {
    m.allowOnly(Set.of("name", "displayName", "labels", "annotations"));
    String name = m.string("name", true);
    if (name != null && !NAME.matcher(name).matches()) {
      m.problem(
          "name",
          "must be lowercase letters, digits, '-' and '.', starting and ending with a letter or"
              + " digit, got '"
              + name
              + "'");
      name = null;
    }
    String displayName = m.string("displayName", false);
    Map<String, String> labels = m.stringMap("labels");
    Map<String, String> annotations = m.stringMap("annotations");
    return name == null ? null : new ObjectMeta(name, displayName, labels, annotations);
  }

  /** The parsed spec of a document, parsing it on first use; {@code null} when it has problems. */
  private @Nullable Object resolve(Document d) {
    Optional<Object> done = parsed.get(d);
    if (done != null) {
      return done.orElse(null);
    }
    parsed.put(d, Optional.empty()); // a reference cycle resolves to "invalid"
    Object spec =
        switch (d.kind) {
          case "SLO" -> slo(d);
          case "SLI" -> sliSpec(d.meta, d.root.mapping("spec", true));
          case "Service" -> service(d);
          case "AlertPolicy" -> alertPolicy(d.meta, d.root.mapping("spec", true));
          case "AlertCondition" -> alertCondition(d.meta, d.root.mapping("spec", true));
          default -> notificationTarget(d.meta, d.root.mapping("spec", true));
        };
    Object result = d.problems.count() > 0 ? null : spec;
    parsed.put(d, Optional.ofNullable(result));
    return result;
  }

  /** Resolves a {@code xxxRef: name} field to a valid spec of {@code kind}, or reports why not. */
  private @Nullable Object reference(YamlMapping m, String key, String kind) {
    String name = m.string(key, true);
    if (name == null) {
      return null;
    }
    Document target = byKindAndName.getOrDefault(kind, Map.of()).get(name);
    if (target == null) {
      m.problem(key, "no " + kind + " named '" + name + "' in the folder");
      return null;
    }
    Object spec = resolve(target);
    if (spec == null) {
      m.problem(
          key,
          kind + " '" + name + "' (" + target.problems.file() + ":" + target.line + ") is invalid");
    }
    return spec;
  }

  private static @Nullable Service service(Document d) {
    YamlMapping spec = d.root.mapping("spec", false);
    String description = null;
    if (spec != null) {
      spec.allowOnly(Set.of("description"));
      description = spec.string("description", false);
    }
    return new Service(d.meta, description);
  }

  private @Nullable Slo slo(Document d) {
    YamlMapping spec = d.root.mapping("spec", true);
    if (spec == null) {
      return null;
    }
    spec.allowOnly(
        Set.of(
            "description",
            "service",
            "indicator",
            "indicatorRef",
            "budgetingMethod",
            "timeWindow",
            "objectives",
            "alertPolicies"));
    String description = spec.string("description", false);
    String service = spec.string("service", true);

    Sli indicator = null;
    if (spec.has("indicator") && spec.has("indicatorRef")) {
      spec.problem("indicatorRef", "give either indicator or indicatorRef, not both");
    } else if (spec.has("indicatorRef")) {
      indicator = (Sli) reference(spec, "indicatorRef", "SLI");
    } else if (spec.has("indicator")) {
      YamlMapping inline = spec.mapping("indicator", true);
      if (inline != null) {
        inline.allowOnly(Set.of("apiVersion", "kind", "metadata", "spec"));
        YamlMapping metaMap = inline.mapping("metadata", true);
        ObjectMeta meta = metaMap == null ? null : meta(metaMap);
        Sli sli = sliSpec(meta, inline.mapping("spec", true));
        indicator = meta == null ? null : sli;
      }
    } else {
      spec.problem("indicator", "is required (or indicatorRef)");
    }

    String budgeting = spec.string("budgetingMethod", true);
    if (budgeting != null && !budgeting.equals("Occurrences")) {
      spec.problem(
          "budgetingMethod",
          "'" + budgeting + "' is not supported, only Occurrences (ratio of good events)");
    }

    TimeWindow window = timeWindow(spec);

    List<Objective> objectives = new ArrayList<>();
    List<Node> objectiveNodes = spec.sequence("objectives", true);
    if (objectiveNodes != null && objectiveNodes.isEmpty()) {
      spec.problem("objectives", "must have at least one objective");
    }
    for (int i = 0; objectiveNodes != null && i < objectiveNodes.size(); i++) {
      Objective o =
          objective(
              objectiveNodes.get(i),
              YamlMapping.index(spec.field("objectives"), i),
              spec.problems());
      if (o != null) {
        objectives.add(o);
      }
    }

    List<AlertPolicy> policies = new ArrayList<>();
    List<Node> policyNodes = spec.sequence("alertPolicies", false);
    for (int i = 0; policyNodes != null && i < policyNodes.size(); i++) {
      YamlMapping item =
          YamlMapping.of(
              policyNodes.get(i),
              YamlMapping.index(spec.field("alertPolicies"), i),
              spec.problems());
      AlertPolicy p =
          item == null
              ? null
              : inlineOrRef(item, "alertPolicyRef", "AlertPolicy", this::alertPolicy);
      if (p != null) {
        policies.add(p);
      }
    }

    Responsibility responsibility = responsibility(d.metaMap);
    if (service == null || indicator == null || window == null || responsibility == null) {
      return null;
    }
    return new Slo(
        d.meta, description, service, indicator, window, objectives, policies, responsibility);
  }

  private static @Nullable TimeWindow timeWindow(YamlMapping spec) {
    List<Node> windows = spec.sequence("timeWindow", true);
    if (windows == null) {
      return null;
    }
    if (windows.size() != 1) {
      spec.problem("timeWindow", "must have exactly one window, got " + windows.size());
      return null;
    }
    YamlMapping w =
        YamlMapping.of(
            windows.get(0), YamlMapping.index(spec.field("timeWindow"), 0), spec.problems());
    if (w == null) {
      return null;
    }
    w.allowOnly(Set.of("duration", "isRolling", "calendar"));
    if (!w.bool("isRolling", true) || w.has("calendar")) {
      w.problem(
          w.has("calendar") ? "calendar" : "isRolling",
          "calendar-aligned windows are not supported, use isRolling: true");
      return null;
    }
    Duration duration = w.duration("duration", true);
    if (duration == null) {
      return null;
    }
    if (duration.isZero()) {
      w.problem("duration", "must be longer than 0");
      return null;
    }
    return new TimeWindow(duration);
  }

  private static @Nullable Objective objective(Node node, String path, Problems problems) {
    YamlMapping o = YamlMapping.of(node, path, problems);
    if (o == null) {
      return null;
    }
    o.allowOnly(Set.of("displayName", "target", "targetPercent"));
    String displayName = o.string("displayName", false);
    if (o.has("target") && o.has("targetPercent")) {
      o.problem("targetPercent", "give either target or targetPercent, not both");
      return null;
    }
    if (o.has("targetPercent")) {
      Double p = o.number("targetPercent", true);
      if (p != null && !(p > 0 && p < 100)) {
        o.problem(
            "targetPercent",
            "must be between 0 and 100, got " + YamlMapping.describe(o.value("targetPercent")));
        return null;
      }
      return p == null ? null : new Objective(displayName, p / 100);
    }
    if (!o.has("target")) {
      o.problem("target", "is required (or targetPercent)");
      return null;
    }
    Double t = o.number("target", true);
    if (t != null && !(t > 0 && t < 1)) {
      o.problem(
          "target", "must be between 0 and 1, got " + YamlMapping.describe(o.value("target")));
      return null;
    }
    return t == null ? null : new Objective(displayName, t);
  }

  /** Typed {@code sightline.dev/*} keys, from the annotations, else the labels. */
  private static @Nullable Responsibility responsibility(YamlMapping metaMap) {
    String runbookText = metadataValue(metaMap, Responsibility.RUNBOOK);
    URI runbook = null;
    boolean ok = true;
    if (runbookText != null) {
      try {
        runbook = new URI(runbookText);
        if (!runbook.isAbsolute()) {
          throw new URISyntaxException(runbookText, "not an absolute URL");
        }
      } catch (URISyntaxException e) {
        metadataProblem(
            metaMap, Responsibility.RUNBOOK, "must be a URL, got '" + runbookText + "'");
        ok = false;
      }
    }
    String owner = metadataValue(metaMap, Responsibility.OWNER);
    Severity severity = Responsibility.DEFAULT_SEVERITY;
    String severityText = metadataValue(metaMap, Responsibility.SEVERITY);
    if (severityText != null) {
      try {
        severity = Severity.valueOf(severityText.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        metadataProblem(
            metaMap,
            Responsibility.SEVERITY,
            "must be P0, P1, P2 or P3, got '" + severityText + "'");
        ok = false;
      }
    }
    Duration respondWithin = severity.defaultRespondWithin();
    String respondText = metadataValue(metaMap, Responsibility.RESPOND_WITHIN);
    if (respondText != null) {
      String where = metadataWhere(metaMap, Responsibility.RESPOND_WITHIN);
      YamlMapping m = metaMap.mapping(where, false);
      Duration d =
          YamlMapping.parseDuration(
              respondText,
              m == null ? null : m.value(Responsibility.RESPOND_WITHIN),
              metaMap.field(where) + "." + Responsibility.RESPOND_WITHIN,
              metaMap.problems());
      if (d == null || d.isZero()) {
        if (d != null) {
          metadataProblem(metaMap, Responsibility.RESPOND_WITHIN, "must be longer than 0");
        }
        ok = false;
      } else {
        respondWithin = d;
      }
    }
    return ok ? new Responsibility(runbook, owner, severity, respondWithin) : null;
  }

  private static String metadataWhere(YamlMapping metaMap, String key) {
    YamlMapping annotations = metaMap.mapping("annotations", false);
    return annotations != null && annotations.has(key) ? "annotations" : "labels";
  }

  private static @Nullable String metadataValue(YamlMapping metaMap, String key) {
    YamlMapping m = metaMap.mapping(metadataWhere(metaMap, key), false);
    if (m == null || !m.has(key) || !(m.value(key) instanceof ScalarNode s)) {
      return null;
    }
    return s.getValue();
  }

  private static void metadataProblem(YamlMapping metaMap, String key, String message) {
    YamlMapping m = metaMap.mapping(metadataWhere(metaMap, key), false);
    if (m != null) {
      m.problem(key, message);
    }
  }

  private static @Nullable Sli sliSpec(@Nullable ObjectMeta meta, @Nullable YamlMapping spec) {
    if (spec == null) {
      return null;
    }
    spec.allowOnly(Set.of("description", "ratioMetric", "thresholdMetric"));
    String description = spec.string("description", false);
    if (spec.has("thresholdMetric")) {
      spec.problem("thresholdMetric", "thresholdMetric SLIs are not supported, use ratioMetric");
      return null;
    }
    YamlMapping ratio = spec.mapping("ratioMetric", true);
    if (ratio == null) {
      return null;
    }
    ratio.allowOnly(Set.of("counter", "good", "bad", "total", "raw", "rawType"));
    if (ratio.has("raw") || ratio.has("rawType")) {
      ratio.problem(
          ratio.has("raw") ? "raw" : "rawType",
          "raw ratio metrics are not supported, use good (or bad) and total");
      return null;
    }
    boolean counter = ratio.bool("counter", true);
    if (ratio.has("good") == ratio.has("bad")) {
      ratio.problem(
          ratio.has("bad") ? "bad" : "good", "give exactly one of good and bad (with total)");
    }
    SightlineSource good = ratio.has("good") ? source(ratio, "good") : null;
    SightlineSource bad = ratio.has("bad") ? source(ratio, "bad") : null;
    SightlineSource total = source(ratio, "total");
    SightlineSource part = good != null ? good : bad;
    if (part != null && total != null && part.getClass() != total.getClass()) {
      ratio.problem("total", "must use the same signal as " + (good != null ? "good" : "bad"));
      return null;
    }
    if (meta == null || total == null || (good == null) == (bad == null)) {
      return null;
    }
    return new Sli(meta, description, new RatioMetric(counter, good, bad, total));
  }

  private static @Nullable SightlineSource source(YamlMapping ratio, String key) {
    YamlMapping side = ratio.mapping(key, true);
    if (side == null) {
      return null;
    }
    side.allowOnly(Set.of("metricSource"));
    YamlMapping ms = side.mapping("metricSource", true);
    if (ms == null) {
      return null;
    }
    ms.allowOnly(Set.of("type", "spec", "metricSourceRef"));
    if (ms.has("metricSourceRef")) {
      ms.problem("metricSourceRef", "is not supported, give type: sightline and spec inline");
      return null;
    }
    String type = ms.string("type", true);
    if (type != null && !type.equals("sightline")) {
      ms.problem("type", "metricSource type '" + type + "' is not supported, use sightline");
      return null;
    }
    YamlMapping spec = ms.mapping("spec", true);
    if (type == null || spec == null) {
      return null;
    }
    String signal = spec.string("signal", true);
    if (signal == null) {
      return null;
    }
    int before = spec.problems().count();
    switch (signal) {
      case "spans" -> {
        spec.allowOnly(
            Set.of("signal", "service", "operation", "status", "maxDurationMs", "attributes"));
        String service = spec.string("service", true);
        String operation = spec.string("operation", false);
        SpanSource.Status status = null;
        String statusText = spec.string("status", false);
        if (statusText != null) {
          switch (statusText) {
            case "ok" -> status = SpanSource.Status.OK;
            case "error" -> status = SpanSource.Status.ERROR;
            default -> spec.problem("status", "must be ok or error, got '" + statusText + "'");
          }
        }
        Duration maxDuration = null;
        Double maxMs = spec.number("maxDurationMs", false);
        if (maxMs != null) {
          if (maxMs <= 0) {
            spec.problem(
                "maxDurationMs",
                "must be greater than 0, got " + YamlMapping.describe(spec.value("maxDurationMs")));
          } else {
            maxDuration = Duration.ofNanos(Math.round(maxMs * 1_000_000));
          }
        }
        Map<String, String> attributes = spec.stringMap("attributes");
        if (service == null || spec.problems().count() > before) {
          return null;
        }
        return new SpanSource(service, operation, status, maxDuration, attributes);
      }
      case "metrics" -> {
        spec.allowOnly(Set.of("signal", "metric", "attributes"));
        String metric = spec.string("metric", true);
        Map<String, String> attributes = spec.stringMap("attributes");
        if (metric == null || spec.problems().count() > before) {
          return null;
        }
        return new MetricSource(metric, attributes);
      }
      default -> {
        spec.problem("signal", "must be spans or metrics, got '" + signal + "'");
        return null;
      }
    }
  }

  /**
   * An item that is either {@code {refKey: name}} or an inline {@code {kind, metadata, spec}} of
   * {@code kind}.
   */
  private <T> @Nullable T inlineOrRef(
      YamlMapping item, String refKey, String kind, InlineParser<T> inlineParser) {
    if (item.has(refKey)) {
      item.allowOnly(Set.of(refKey));
      @SuppressWarnings("unchecked")
      T resolved = (T) reference(item, refKey, kind);
      return resolved;
    }
    item.allowOnly(Set.of("apiVersion", "kind", "metadata", "spec"));
    String itemKind = item.string("kind", false);
    if (itemKind != null && !itemKind.equals(kind)) {
      item.problem("kind", "must be " + kind + ", got '" + itemKind + "'");
      return null;
    }
    if (!item.has("metadata") && !item.has("spec")) {
      item.problem(refKey, "is required (or an inline " + kind + " with metadata and spec)");
      return null;
    }
    YamlMapping metaMap = item.mapping("metadata", true);
    ObjectMeta meta = metaMap == null ? null : meta(metaMap);
    T value = inlineParser.parse(meta, item.mapping("spec", true));
    return meta == null ? null : value;
  }

  @FunctionalInterface
  private interface InlineParser<T> {
    @Nullable T parse(@Nullable ObjectMeta meta, @Nullable YamlMapping spec);
  }

  private @Nullable AlertPolicy alertPolicy(@Nullable ObjectMeta meta, @Nullable YamlMapping spec) {
    if (spec == null) {
      return null;
    }
    spec.allowOnly(
        Set.of(
            "description",
            "alertWhenNoData",
            "alertWhenResolved",
            "alertWhenBreaching",
            "conditions",
            "notificationTargets"));
    String description = spec.string("description", false);
    boolean noData = spec.bool("alertWhenNoData", false);
    boolean resolved = spec.bool("alertWhenResolved", false);
    boolean breaching = spec.bool("alertWhenBreaching", true);
    List<AlertCondition> conditions =
        items(
            spec, "conditions", true, "conditionRef", "AlertCondition", SloLoader::alertCondition);
    List<AlertNotificationTarget> targets =
        items(
            spec,
            "notificationTargets",
            false,
            "targetRef",
            "AlertNotificationTarget",
            SloLoader::notificationTarget);
    if (meta == null || conditions == null || targets == null) {
      return null;
    }
    return new AlertPolicy(meta, description, noData, resolved, breaching, conditions, targets);
  }

  private <T> @Nullable List<T> items(
      YamlMapping spec,
      String key,
      boolean required,
      String refKey,
      String kind,
      InlineParser<T> inlineParser) {
    List<Node> nodes = spec.sequence(key, required);
    if (nodes == null) {
      return required ? null : List.of();
    }
    if (required && nodes.isEmpty()) {
      spec.problem(key, "must not be empty");
      return null;
    }
    List<T> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < nodes.size(); i++) {
      YamlMapping item =
          YamlMapping.of(nodes.get(i), YamlMapping.index(spec.field(key), i), spec.problems());
      T value = item == null ? null : inlineOrRef(item, refKey, kind, inlineParser);
      if (value == null) {
        ok = false;
      } else {
        out.add(value);
      }
    }
    return ok ? out : null;
  }

  private static @Nullable AlertCondition alertCondition(
      @Nullable ObjectMeta meta, @Nullable YamlMapping spec) {
    if (spec == null) {
      return null;
    }
    spec.allowOnly(Set.of("description", "severity", "condition"));
    String description = spec.string("description", false);
    String severity = spec.string("severity", true);
    YamlMapping c = spec.mapping("condition", true);
    if (c == null) {
      return null;
    }
    c.allowOnly(Set.of("kind", "op", "threshold", "lookbackWindow", "alertAfter"));
    String kind = c.string("kind", true);
    if (kind != null && !kind.equals("burnrate")) {
      c.problem("kind", "only burnrate conditions are supported, got '" + kind + "'");
    }
    AlertCondition.Op op = null;
    String opText = c.string("op", true);
    if (opText != null) {
      try {
        op = AlertCondition.Op.valueOf(opText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        c.problem("op", "must be lt, lte, gt or gte, got '" + opText + "'");
      }
    }
    Double threshold = c.number("threshold", true);
    if (threshold != null && threshold <= 0) {
      c.problem(
          "threshold", "must be greater than 0, got " + YamlMapping.describe(c.value("threshold")));
    }
    Duration lookback = c.duration("lookbackWindow", true);
    if (lookback != null && lookback.isZero()) {
      c.problem("lookbackWindow", "must be longer than 0");
    }
    Duration alertAfter = c.has("alertAfter") ? c.duration("alertAfter", true) : Duration.ZERO;
    if (meta == null
        || severity == null
        || kind == null
        || op == null
        || threshold == null
        || lookback == null
        || alertAfter == null) {
      return null;
    }
    return new AlertCondition(meta, description, severity, op, threshold, lookback, alertAfter);
  }

  private static @Nullable AlertNotificationTarget notificationTarget(
      @Nullable ObjectMeta meta, @Nullable YamlMapping spec) {
    if (spec == null) {
      return null;
    }
    spec.allowOnly(Set.of("description", "target"));
    String target = spec.string("target", true);
    String description = spec.string("description", false);
    return meta == null || target == null
        ? null
        : new AlertNotificationTarget(meta, target, description);
  }

  /** One top-level document whose header is valid; its problems include those of its references. */
  private static final class Document {
    final String kind;
    final ObjectMeta meta;
    final YamlMapping metaMap;
    final YamlMapping root;
    final Problems problems;
    final int line;

    Document(
        String kind,
        ObjectMeta meta,
        YamlMapping metaMap,
        YamlMapping root,
        Problems problems,
        int line) {
      this.kind = kind;
      this.meta = meta;
      this.metaMap = metaMap;
      this.root = root;
      this.problems = problems;
      this.line = line;
    }
  }
}
