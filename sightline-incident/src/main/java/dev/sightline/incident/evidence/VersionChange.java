package dev.sightline.incident.evidence;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code service.version} first seen in the incident window or shortly before it: a deployment.
 *
 * @param previousVersions versions of the service seen before it (in the baseline)
 * @param firstSeenUnixNano start of its first span
 */
public record VersionChange(
    String service,
    String version,
    List<String> previousVersions,
    long firstSeenUnixNano,
    long spans,
    @Nullable String note) {
  public VersionChange {
    requireNonNull(service, "service");
    requireNonNull(version, "version");
    previousVersions = List.copyOf(previousVersions);
  }
}
