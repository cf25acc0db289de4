package dev.sightline.core.storage;

import java.util.Objects;

/**
 * One {@code service.version} of a service as seen in spans of a time range.
 *
 * @param version the resource's {@code service.version}; empty when spans carry none
 * @param firstSeenUnixNano start of the earliest span of that version in the range
 * @param lastSeenUnixNano start of the latest span of that version in the range
 */
public record ServiceVersion(
    String service, String version, long firstSeenUnixNano, long lastSeenUnixNano, long spans) {
  public ServiceVersion {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(version, "version");
  }
}
