package dev.sightline.incident.analysis.logs;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.LogRecord;
import dev.sightline.incident.analysis.MaskRule;
import dev.sightline.incident.analysis.MessageMasker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mines log bodies into templates with Drain (He, Zhu, Zheng, Lyu: "Drain: An Online Log Parsing
 * Approach with Fixed Depth Tree", ICWS 2017), following the logpai and Drain3 implementations:
 *
 * <ol>
 *   <li>the first line of the body is masked ({@link MessageMasker}: numbers, hex, UUIDs, IPs,
 *       durations, quoted strings, e-mails become {@code <*>}) and split on whitespace;
 *   <li>a fixed-depth prefix tree routes it: first by token count, then by its first {@code depth -
 *       3} tokens (depth counts the root, length and leaf layers as Drain3 does, so the default 4
 *       routes by the first token); a token holding a digit, or any new token once a node has
 *       {@code maxChildren} children, goes to the {@code <*>} branch;
 *   <li>in the leaf, the most similar template wins: similarity is the number of positions where
 *       the template's non-wildcard token equals the line's, over the length (ties: more
 *       wildcards); at or above {@code similarityThreshold} the line joins it and differing
 *       positions become {@code <*>}, otherwise it starts a new template.
 * </ol>
 *
 * <p>Beyond {@code maxClusters} templates, lines matching none are counted in one catch-all pattern
 * ({@link #OVERFLOW_ID}, template {@code <*>}) rather than lost. Each {@link #mine} call starts
 * from an empty tree; the miner is immutable and thread-safe, the result deterministic for a given
 * input order.
 */
public final class LogPatternMiner {
  /** Id of the catch-all pattern for lines beyond {@code maxClusters}. */
  public static final int OVERFLOW_ID = 0;

  private static final String WILDCARD = MessageMasker.WILDCARD;
  private static final int MAX_BODY_EXAMPLE = 1000;

  private final int depth;
  private final double similarityThreshold;
  private final int maxChildren;
  private final int maxClusters;
  private final int maxExamples;
  private final MessageMasker masker;

  private LogPatternMiner(Builder b) {
    depth = b.depth;
    similarityThreshold = b.similarityThreshold;
    maxChildren = b.maxChildren;
    maxClusters = b.maxClusters;
    maxExamples = b.maxExamples;
    masker = MessageMasker.of(b.masks);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Patterns of {@code records}, by count descending, then id (the catch-all last). */
  public List<LogPattern> mine(List<LogRecord> records) {
    requireNonNull(records, "records");
    Drain drain = new Drain(1);
    for (LogRecord r : records) drain.add(r, 0);
    List<LogPattern> out = new ArrayList<>();
    for (Cluster c : drain.allClusters()) {
      if (c.count[0] > 0) out.add(c.pattern(0));
    }
    out.sort(
        Comparator.comparingLong(LogPattern::count)
            .reversed()
            .thenComparing(p -> p.id() == OVERFLOW_ID)
            .thenComparingInt(LogPattern::id));
    return out;
  }

  /** Mines both sides into one tree, so a template has one id and a count per side. */
  List<Cluster> mineSides(List<LogRecord> bad, List<LogRecord> baseline) {
    Drain drain = new Drain(2);
    // baseline first: its templates are the reference the fault window is matched against
    for (LogRecord r : baseline) drain.add(r, 1);
    for (LogRecord r : bad) drain.add(r, 0);
    return drain.allClusters();
  }

  /** The body as text: a string body verbatim, any other value as {@link AnyValue#asString()}. */
  static String bodyText(LogRecord record) {
    return record.body() instanceof AnyValue.StringValue s ? s.value() : record.body().asString();
  }

  static String severity(LogRecord r) {
    if (!r.severityText().isEmpty()) return r.severityText();
    int n = r.severityNumber();
    if (n <= 0) return "UNSPECIFIED";
    if (n <= 4) return "TRACE";
    if (n <= 8) return "DEBUG";
    if (n <= 12) return "INFO";
    if (n <= 16) return "WARN";
    if (n <= 20) return "ERROR";
    return "FATAL";
  }

  private static String firstLine(String body) {
    int nl = body.indexOf('\n');
    return nl < 0 ? body : body.substring(0, nl);
  }

  private static boolean hasDigit(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= '0' && c <= '9') return true;
    }
    return false;
  }

  /** One template with its counts, severities and examples per side (0 = bad or only side). */
  static final class Cluster {
    final int id;
    String[] template;
    final long[] count;
    final List<Map<String, Long>> severities = new ArrayList<>();
    final List<List<LogExample>> examples = new ArrayList<>();
    final List<Set<String>> traceIds = new ArrayList<>();

    Cluster(int id, String[] template, int sides) {
      this.id = id;
      this.template = template;
      this.count = new long[sides];
      for (int s = 0; s < sides; s++) {
        severities.add(new HashMap<>());
        examples.add(new ArrayList<>());
        traceIds.add(new LinkedHashSet<>());
      }
    }

    String template() {
      return String.join(" ", template);
    }

    LogPattern pattern(int side) {
      List<Map.Entry<String, Long>> sev = new ArrayList<>(severities.get(side).entrySet());
      sev.sort(
          Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry::getKey));
      Map<String, Long> ordered = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : sev) ordered.put(e.getKey(), e.getValue());
      return new LogPattern(id, template(), count[side], ordered, examples.get(side));
    }
  }

  private static final class Node {
    final Map<String, Node> children = new HashMap<>();
    final List<Cluster> clusters = new ArrayList<>();
  }

  private final class Drain {
    private final int sides;
    private final Map<Integer, Node> byLength = new HashMap<>();
    private final List<Cluster> clusters = new ArrayList<>();
    private @org.jspecify.annotations.Nullable Cluster overflow;

    Drain(int sides) {
      this.sides = sides;
    }

    List<Cluster> allClusters() {
      List<Cluster> all = new ArrayList<>(clusters);
      if (overflow != null) all.add(overflow);
      return all;
    }

    void add(LogRecord record, int side) {
      String body = bodyText(record);
      String[] tokens = masker.tokens(firstLine(body)).toArray(new String[0]);
      Node leaf = leaf(tokens);
      Cluster best = null;
      double bestSim = -1;
      int bestParams = -1;
      for (Cluster c : leaf.clusters) {
        int same = 0;
        int params = 0;
        for (int i = 0; i < tokens.length; i++) {
          if (c.template[i].equals(WILDCARD)) params++;
          else if (c.template[i].equals(tokens[i])) same++;
        }
        double sim = tokens.length == 0 ? 1.0 : same / (double) tokens.length;
        if (sim > bestSim || (sim == bestSim && params > bestParams)) {
          best = c;
          bestSim = sim;
          bestParams = params;
        }
      }
      Cluster target;
      if (best != null && bestSim >= similarityThreshold) {
        target = best;
        for (int i = 0; i < tokens.length; i++) {
          if (!target.template[i].equals(tokens[i])) target.template[i] = WILDCARD;
        }
      } else if (clusters.size() < maxClusters) {
        target = new Cluster(clusters.size() + 1, tokens, sides);
        clusters.add(target);
        leaf.clusters.add(target);
      } else {
        if (overflow == null) overflow = new Cluster(OVERFLOW_ID, new String[] {WILDCARD}, sides);
        target = overflow;
      }
      target.count[side]++;
      target.severities.get(side).merge(severity(record), 1L, Long::sum);
      if (target.examples.get(side).size() < maxExamples) {
        String shown =
            body.length() > MAX_BODY_EXAMPLE ? body.substring(0, MAX_BODY_EXAMPLE) : body;
        target
            .examples
            .get(side)
            .add(
                new LogExample(
                    record.eventTimeUnixNano(),
                    record.traceId(),
                    record.spanId(),
                    record.serviceName(),
                    shown));
      }
      Set<String> traces = target.traceIds.get(side);
      if (!record.traceId().isEmpty() && traces.size() < maxExamples) traces.add(record.traceId());
    }

    /** The leaf for {@code tokens}, creating the path (Drain3's add_seq_to_prefix_tree). */
    private Node leaf(String[] tokens) {
      Node node = byLength.computeIfAbsent(tokens.length, k -> new Node());
      int layers = Math.min(depth - 3, tokens.length - 1);
      for (int i = 0; i < layers; i++) {
        String token = tokens[i];
        Node next = node.children.get(token);
        if (next == null) {
          boolean hasWildcard = node.children.containsKey(WILDCARD);
          String key;
          if (hasDigit(token)) key = WILDCARD;
          else if (hasWildcard) key = node.children.size() < maxChildren ? token : WILDCARD;
          else key = node.children.size() + 1 < maxChildren ? token : WILDCARD;
          next = node.children.computeIfAbsent(key, k -> new Node());
        }
        node = next;
      }
      return node;
    }
  }

  /** Options of {@link LogPatternMiner}; every one has a default. */
  public static final class Builder {
    private int depth = 4;
    private double similarityThreshold = 0.4;
    private int maxChildren = 100;
    private int maxClusters = 5_000;
    private int maxExamples = 3;
    private Set<MaskRule> masks = EnumSet.allOf(MaskRule.class);

    private Builder() {}

    /** Tree depth, counting root, length and leaf layers; at least 3; default 4. */
    public Builder depth(int depth) {
      if (depth < 3) throw new IllegalArgumentException("depth must be at least 3");
      this.depth = depth;
      return this;
    }

    /** Minimum similarity to join a template, in (0, 1]; default 0.4. */
    public Builder similarityThreshold(double similarityThreshold) {
      if (!(similarityThreshold > 0 && similarityThreshold <= 1)) {
        throw new IllegalArgumentException("similarityThreshold must be in (0, 1]");
      }
      this.similarityThreshold = similarityThreshold;
      return this;
    }

    /** Children per tree node before new tokens share the {@code <*>} branch; default 100. */
    public Builder maxChildren(int maxChildren) {
      if (maxChildren < 2) throw new IllegalArgumentException("maxChildren must be at least 2");
      this.maxChildren = maxChildren;
      return this;
    }

    /** Templates per mining run (see the catch-all in the class doc); default 5,000. */
    public Builder maxClusters(int maxClusters) {
      if (maxClusters < 1) throw new IllegalArgumentException("maxClusters must be positive");
      this.maxClusters = maxClusters;
      return this;
    }

    /** Example records kept per pattern; default 3. */
    public Builder maxExamples(int maxExamples) {
      if (maxExamples < 0) throw new IllegalArgumentException("maxExamples must be non-negative");
      this.maxExamples = maxExamples;
      return this;
    }

    /** Masking applied before mining; default every {@link MaskRule}. */
    public Builder masks(Set<MaskRule> masks) {
      requireNonNull(masks, "masks");
      this.masks = masks.isEmpty() ? EnumSet.noneOf(MaskRule.class) : EnumSet.copyOf(masks);
      return this;
    }

    public LogPatternMiner build() {
      return new LogPatternMiner(this);
    }
  }

  @Override
  public String toString() {
    return "LogPatternMiner{depth="
        + depth
        + ", similarityThreshold="
        + similarityThreshold
        + ", maxChildren="
        + maxChildren
        + ", maxClusters="
        + maxClusters
        + ", masks="
        + Arrays.toString(masker.rules().toArray())
        + "}";
  }
}
