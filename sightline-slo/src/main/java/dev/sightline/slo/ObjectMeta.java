package dev.sightline.slo;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** OpenSLO {@code metadata}: a name unique per kind, plus labels and annotations. */
public record ObjectMeta(
    String name,
    @Nullable String displayName,
    Map<String, String> labels,
    Map<String, String> annotations) {
  public ObjectMeta {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
