package dev.sightline.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping read field by field; every accessor reports what is wrong (with the line and the
 * field's path) to {@link Problems} and returns {@code null} rather than throwing.
 */
final class YamlMapping {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)([smhdw])");

  /**
   * The longest duration accepted anywhere in an SLO file (ten years): longer windows mean nothing
   * for an SLO, and every later computation in nanoseconds (window starts, burn-rate windows) stays
   * far inside a {@code long}.
   */
  static final Duration MAX_DURATION = Duration.ofDays(3_660);

  private final MappingNode node;
  private final String path;
  private final Problems problems;
  private final Map<String, NodeTuple> fields = new LinkedHashMap<>();
  private final Map<String, @Nullable YamlMapping> children = new LinkedHashMap<>();

  private YamlMapping(MappingNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    for (NodeTuple t : node.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (key == null) {
        problems.add(t.getKeyNode(), path, "keys must be plain strings");
      } else if (fields.containsKey(key)) {
        problems.add(
            t.getKeyNode(),
            field(key),
            "duplicate key (first at line " + line(fields.get(key).getKeyNode()) + ")");
      } else {
        fields.put(key, t);
      }
    }
  }

  /** The mapping at {@code node}, or {@code null} (reported) when it is something else. */
  static @Nullable YamlMapping of(Node node, String path, Problems problems) {
    if (node instanceof MappingNode m) {
      return new YamlMapping(m, path, problems);
    }
    problems.add(node, path.isEmpty() ? "-" : path, "must be a mapping");
    return null;
  }

  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  String path() {
    return path;
  }

  Problems problems() {
    return problems;
  }

  Node node() {
    return node;
  }

  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return fields.containsKey(key);
  }

  @Nullable Node value(String key) {
    NodeTuple t = fields.get(key);
    return t == null ? null : t.getValueNode();
  }

  /** Reports a problem on the value of {@code key} (on the mapping when absent). */
  void problem(String key, String message) {
    Node v = value(key);
    problems.add(v == null ? node : v, field(key), message);
  }

  /** Reports every key not in {@code allowed}. */
  void allowOnly(Set<String> allowed) {
    for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problems.add(e.getValue().getKeyNode(), field(e.getKey()), "unknown field");
      }
    }
  }

  private @Nullable Node required(String key, boolean required) {
    Node v = value(key);
    if (v == null && required) {
      problems.add(node, field(key), "is required");
    }
    return v;
  }

  @Nullable String string(String key, boolean required) {
    Node v = required(key, required);
    if (v == null) {
      return null;
    }
    if (!(v instanceof ScalarNode s) || s.getTag().equals(Tag.NULL)) {
      problems.add(v, field(key), "must be a string");
      return null;
    }
    if (s.getValue().isBlank()) {
      problems.add(v, field(key), "must not be empty");
      return null;
    }
    return s.getValue();
  }

  @Nullable Double number(String key, boolean required) {
    Node v = required(key, required);
    if (v == null) {
      return null;
    }
    if (v instanceof ScalarNode s && (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT))) {
      try {
        double d = Double.parseDouble(s.getValue().replace("_", ""));
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problems.add(v, field(key), "must be a number, got " + describe(v));
    return null;
  }

  boolean bool(String key, boolean defaultValue) {
    Node v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      String b = s.getValue().toLowerCase(Locale.ROOT);
      return b.equals("true") || b.equals("yes") || b.equals("on") || b.equals("y");
    }
    problems.add(v, field(key), "must be true or false, got " + describe(v));
    return defaultValue;
  }

  @Nullable Duration duration(String key, boolean required) {
    String s = string(key, required);
    return s == null ? null : parseDuration(s, value(key), field(key), problems);
  }

  /**
   * An OpenSLO duration shorthand: a whole number and a unit among {@code s m h d w}, e.g. {@code
   * 5m}, {@code 1h}, {@code 28d}; months, quarters and years are calendar units and not accepted.
   */
  static @Nullable Duration parseDuration(
      String text, @Nullable Node at, String field, Problems problems) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      problems.add(
          at,
          field,
          "must be a duration like 5m, 1h, 28d (units s, m, h, d, w), got '" + text + "'");
      return null;
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      problems.add(at, field, "duration too long: '" + text + "'");
      return null;
    }
    long secondsPerUnit =
        switch (m.group(2)) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3_600;
          case "d" -> 86_400;
          default -> 7 * 86_400;
        };
    if (n > MAX_DURATION.getSeconds() / secondsPerUnit) {
      problems.add(
          at, field, "duration too long: '" + text + "' (at most " + MAX_DURATION.toDays() + "d)");
      return null;
    }
    return Duration.ofSeconds(n * secondsPerUnit);
  }

  /** The mapping under {@code key}, read (and its problems reported) once. */
  @Nullable YamlMapping mapping(String key, boolean required) {
    Node v = required(key, required);
    if (v == null) {
      return null;
    }
    if (!children.containsKey(key)) {
      children.put(key, of(v, field(key), problems));
    }
    return children.get(key);
  }

  /** The items of a sequence, or {@code null} (reported) when absent-but-required or not a list. */
  @Nullable List<Node> sequence(String key, boolean required) {
    Node v = required(key, required);
    if (v == null) {
      return null;
    }
    if (v instanceof SequenceNode s) {
      return s.getValue();
    }
    problems.add(v, field(key), "must be a list");
    return null;
  }

  /** A mapping of strings to scalars (numbers and booleans are kept as their text). */
  Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    YamlMapping m = mapping(key, false);
    if (m == null) {
      return out;
    }
    for (Map.Entry<String, NodeTuple> e : m.fields.entrySet()) {
      Node v = e.getValue().getValueNode();
      if (v instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
        out.put(e.getKey(), s.getValue());
      } else {
        problems.add(v, m.field(e.getKey()), "must be a string");
      }
    }
    return out;
  }

  static String describe(Node v) {
    if (v instanceof ScalarNode s) {
      return s.getTag().equals(Tag.NULL) ? "nothing" : s.getValue();
    }
    return v instanceof SequenceNode ? "a list" : "a mapping";
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** The problems of one file, in the order found. */
  static final class Problems {
    private final String file;
    private final List<SloProblem> list = new ArrayList<>();

    Problems(String file) {
      this.file = file;
    }

    String file() {
      return file;
    }

    void add(@Nullable Node at, String field, String message) {
      list.add(new SloProblem(file, at == null ? 1 : line(at), field, message));
    }

    void add(int line, String field, String message) {
      list.add(new SloProblem(file, line, field, message));
    }

    int count() {
      return list.size();
    }

    List<SloProblem> list() {
      return list;
    }
  }
}
