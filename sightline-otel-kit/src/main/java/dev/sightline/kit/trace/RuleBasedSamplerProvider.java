package dev.sightline.kit.trace;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSamplerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link RuleBasedSampler} selectable with {@code OTEL_TRACES_SAMPLER=sightline_rules}.
 *
 * <table>
 *   <caption>Configuration (environment variable / system property)</caption>
 *   <tr><td>{@code OTEL_TRACES_SAMPLER_ARG}</td><td>default ratio, 1.0 if unset</td></tr>
 *   <tr><td>{@code SIGHTLINE_SAMPLER_ROUTE_RATIOS} / {@code sightline.sampler.route.ratios}</td>
 *       <td>{@code /checkout=1.0,/search*=0.05}</td></tr>
 *   <tr><td>{@code SIGHTLINE_SAMPLER_NAME_RATIOS} / {@code sightline.sampler.name.ratios}</td>
 *       <td>{@code Inventory.*=0.5}</td></tr>
 *   <tr><td>{@code SIGHTLINE_SAMPLER_HEALTH_PATHS} / {@code sightline.sampler.health.paths}</td>
 *       <td>{@code /health,/healthz}; {@code none} keeps health checks</td></tr>
 * </table>
 *
 * <p>Rules are tried in the order given; route rules before name rules.
 */
public final class RuleBasedSamplerProvider implements ConfigurableSamplerProvider {
  /** The value of {@code OTEL_TRACES_SAMPLER} that selects this sampler. */
  public static final String NAME = "sightline_rules";

  @Override
  public Sampler createSampler(ConfigProperties config) {
    RuleBasedSampler.Builder builder =
        RuleBasedSampler.builder().defaultRatio(config.getDouble("otel.traces.sampler.arg", 1.0));
    for (Map.Entry<String, String> e : config.getMap("sightline.sampler.route.ratios").entrySet()) {
      builder.routeRatio(e.getKey(), parseRatio(e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, String> e : config.getMap("sightline.sampler.name.ratios").entrySet()) {
      builder.spanNameRatio(e.getKey(), parseRatio(e.getKey(), e.getValue()));
    }
    List<String> health = config.getList("sightline.sampler.health.paths");
    if (!health.isEmpty()) {
      builder.healthCheckPaths(
          health.equals(List.of("none")) ? java.util.Set.of() : new LinkedHashSet<>(health));
    }
    return builder.build();
  }

  private static double parseRatio(String pattern, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "sampler ratio for '" + pattern + "' is not a number: " + value, e);
    }
  }

  @Override
  public String getName() {
    return NAME;
  }
}
