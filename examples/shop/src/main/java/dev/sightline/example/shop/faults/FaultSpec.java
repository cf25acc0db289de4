package dev.sightline.example.shop.faults;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fault as written on the command line ({@code --fault latency:delay=800ms}) or in an admin
 * request ({@code POST /faults/latency?delay=800ms}): a name and parameters.
 *
 * @param name the fault name, for example {@code latency}
 * @param params its parameters
 */
public record FaultSpec(String name, Map<String, String> params) {
  public FaultSpec {
    requireNonNull(name, "name");
    params = Map.copyOf(requireNonNull(params, "params"));
  }

  /** Parses {@code name[:key=value[,key=value...]]}. */
  public static FaultSpec parse(String text) {
    requireNonNull(text, "text");
    int colon = text.indexOf(':');
    String name = (colon < 0 ? text : text.substring(0, colon)).trim();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("fault name missing in '" + text + "'");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (colon >= 0 && colon + 1 < text.length()) {
      for (String pair : text.substring(colon + 1).split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("expected key=value, got '" + pair + "'");
        }
        params.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return new FaultSpec(name, params);
  }
}
