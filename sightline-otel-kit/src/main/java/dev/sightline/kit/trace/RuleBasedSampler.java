package dev.sightline.kit.trace;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parent-based head sampler with per-route and per-span-name ratios (seed 004 §1.4).
 *
 * <p>A span with a valid parent follows the parent's decision, so a trace is kept or dropped whole.
 * For a root span the sampler drops health checks ({@code /health}, {@code /healthz}, {@code
 * /livez}, {@code /readyz}, {@code /ping} by default, matched on {@code http.route} or {@code
 * url.path}, or on the span name), then applies the first matching rule (route rules match {@code
 * http.route}, falling back to {@code url.path}; name rules match the span name; a pattern may end
 * in {@code *}), then the default ratio. Ratios are trace-ID based ({@link
 * Sampler#traceIdRatioBased(double)}), so services sampling the same trace agree.
 *
 * <p><b>Why head sampling cannot keep "all errors".</b> The decision is taken when the root span
 * starts, before anything has failed, and travels downstream in the {@code traceparent} sampled
 * flag; an error that happens later in the trace, or in another service, cannot revive a trace
 * whose spans were never recorded. The seed's {@code hasError(p.Attributes)} sampler only sees
 * start attributes, which carry no error. Keeping every error trace needs the decision after the
 * trace is complete (tail sampling): export at a ratio high enough for your volume and let
 * Sightline keep error traces server-side, where the whole trace is known.
 *
 * <p>Selectable with {@code OTEL_TRACES_SAMPLER=sightline_rules} through {@link
 * RuleBasedSamplerProvider}.
 *
 * <pre>{@code
 * Sampler sampler = RuleBasedSampler.builder()
 *     .defaultRatio(0.1)
 *     .routeRatio("/checkout", 1.0)
 *     .spanNameRatio("Inventory.*", 0.5)
 *     .build();
 * }</pre>
 */
public final class RuleBasedSampler implements Sampler {
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  /** Paths treated as health checks unless {@link Builder#healthCheckPaths} replaces them. */
  public static final Set<String> DEFAULT_HEALTH_CHECK_PATHS =
      Set.of("/health", "/healthz", "/livez", "/readyz", "/ping");

  private final Sampler delegate;
  private final String description;

  private RuleBasedSampler(Root root) {
    this.delegate = Sampler.parentBased(root);
    this.description = "RuleBasedSampler{" + root.describe() + "}";
  }

  /** Returns a builder with a default ratio of 1.0, no rules and the default health checks. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  /** Validating builder for {@link RuleBasedSampler}. */
  public static final class Builder {
    private double defaultRatio = 1.0;
    private final List<Rule> rules = new ArrayList<>();
    private Set<String> healthCheckPaths = DEFAULT_HEALTH_CHECK_PATHS;

    private Builder() {}

    /** Ratio for root spans no rule matches; 1.0 unless set. */
    public Builder defaultRatio(double ratio) {
      this.defaultRatio = checkRatio(ratio);
      return this;
    }

    /**
     * Samples root spans whose {@code http.route} (or {@code url.path}) matches at {@code ratio}.
     */
    public Builder routeRatio(String routePattern, double ratio) {
      rules.add(new Rule(Target.ROUTE, requireNonNull(routePattern, "routePattern"), ratio));
      return this;
    }

    /** Samples root spans whose name matches {@code namePattern} at {@code ratio}. */
    public Builder spanNameRatio(String namePattern, double ratio) {
      rules.add(new Rule(Target.NAME, requireNonNull(namePattern, "namePattern"), ratio));
      return this;
    }

    /** Replaces the health-check paths whose root spans are dropped (empty to keep them). */
    public Builder healthCheckPaths(Set<String> paths) {
      this.healthCheckPaths = Set.copyOf(requireNonNull(paths, "paths"));
      return this;
    }

    public RuleBasedSampler build() {
      return new RuleBasedSampler(
          new Root(List.copyOf(rules), new LinkedHashSet<>(healthCheckPaths), defaultRatio));
    }
  }

  private static double checkRatio(double ratio) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("ratio must be in [0, 1]: " + ratio);
    }
    return ratio;
  }

  private enum Target {
    ROUTE,
    NAME
  }

  private static final class Rule {
    final Target target;
    final String pattern;
    final double ratio;
    final @Nullable String exact;
    final @Nullable String prefix;
    final @Nullable Pattern glob;
    final Sampler sampler;

    Rule(Target target, String pattern, double ratio) {
      this.target = target;
      this.pattern = pattern;
      this.ratio = checkRatio(ratio);
      int star = pattern.indexOf('*');
      if (star < 0) {
        this.exact = pattern;
        this.prefix = null;
        this.glob = null;
      } else if (star == pattern.length() - 1) {
        this.exact = null;
        this.prefix = pattern.substring(0, star); // the common "Inventory.*": no regex per span
        this.glob = null;
      } else {
        this.exact = null;
        this.prefix = null;
        String[] parts = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            regex.append(".*");
          }
          regex.append(Pattern.quote(parts[i]));
        }
        this.glob = Pattern.compile(regex.toString());
      }
      this.sampler = ratioSampler(ratio);
    }

    boolean matches(@Nullable String value) {
      if (value == null) {
        return false;
      }
      if (exact != null) {
        return exact.equals(value);
      }
      if (prefix != null) {
        return value.startsWith(prefix);
      }
      return glob.matcher(value).matches();
    }

    @Override
    public String toString() {
      return target.name().toLowerCase(Locale.ROOT) + ":" + pattern + "=" + ratio;
    }
  }

  private static Sampler ratioSampler(double ratio) {
    if (ratio >= 1.0) {
      return Sampler.alwaysOn();
    }
    if (ratio <= 0.0) {
      return Sampler.alwaysOff();
    }
    return Sampler.traceIdRatioBased(ratio);
  }

  /** The root-span decision; parent handling is {@link Sampler#parentBased}'s. */
  private static final class Root implements Sampler {
    private static final SamplingResult DROP = SamplingResult.drop();
    private final List<Rule> rules;
    private final Set<String> healthCheckPaths;
    private final double defaultRatio;
    private final Sampler defaultSampler;

    Root(List<Rule> rules, Set<String> healthCheckPaths, double defaultRatio) {
      this.rules = rules;
      this.healthCheckPaths = healthCheckPaths;
      this.defaultRatio = defaultRatio;
      this.defaultSampler = ratioSampler(defaultRatio);
    }

    @Override
    public SamplingResult shouldSample(
        Context parentContext,
        String traceId,
        String name,
        SpanKind spanKind,
        Attributes attributes,
        List<LinkData> parentLinks) {
      String route = attributes.get(HTTP_ROUTE);
      if (route == null) {
        route = attributes.get(URL_PATH);
      }
      if (isHealthCheck(route, name)) {
        return DROP;
      }
      for (Rule rule : rules) {
        if (rule.matches(rule.target == Target.ROUTE ? route : name)) {
          return rule.sampler.shouldSample(
              parentContext, traceId, name, spanKind, attributes, parentLinks);
        }
      }
      return defaultSampler.shouldSample(
          parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    private boolean isHealthCheck(@Nullable String route, String name) {
      if (healthCheckPaths.isEmpty()) {
        return false;
      }
      if (route != null && healthCheckPaths.contains(route)) {
        return true;
      }
      if (healthCheckPaths.contains(name)) {
        return true;
      }
      // HTTP server spans are named "{method} {route}".
      int space = name.indexOf(' ');
      return space > 0 && healthCheckPaths.contains(name.substring(space + 1));
    }

    String describe() {
      return "default=" + defaultRatio + ", rules=" + rules + ", healthChecks=" + healthCheckPaths;
    }

    @Override
    public String getDescription() {
      return "RuleBasedRoot{" + describe() + "}";
    }
  }
}
