package dev.sightline.query;

import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /api/v1/services/{service}/versions?start=&end=}: the {@code service.version}s one
 * service ran in spans starting in the range, oldest first seen first; an unknown service has none.
 * Deployments and rollbacks show up as a version first seen inside the range. 501 on a backend
 * without {@link StorageCapability#SERVICE_VERSIONS}.
 */
final class ServiceVersionsQuery {
  private static final Set<String> PARAMETERS = Set.of("start", "end");

  private ServiceVersionsQuery() {}

  static ApiResponse answer(
      StorageComponent storage,
      String tenant,
      String service,
      QueryParameters p,
      Function<QueryParameters, long[]> timeRange) {
    try {
      QueryService.rejectUnknown(p, PARAMETERS, false);
      long[] range = timeRange.apply(p);
      Optional<ServiceVersionReader> reader = storage.serviceVersionReader();
      if (reader.isEmpty()) {
        return QueryService.error(501, null, StorageCapability.SERVICE_VERSIONS.missingIn(storage));
      }
      List<ServiceVersion> versions =
          reader.get().serviceVersions(tenant, range[0], range[1]).stream()
              .filter(v -> v.service().equals(service))
              .toList();
      return QueryService.render(
          200,
          g -> {
            g.writeStartObject();
            g.writeStringField("service", service);
            g.writeNumberField("start", range[0]);
            g.writeNumberField("end", range[1]);
            g.writeArrayFieldStart("versions");
            for (ServiceVersion v : versions) {
              g.writeStartObject();
              g.writeStringField("version", v.version());
              g.writeNumberField("firstSeenUnixNano", v.firstSeenUnixNano());
              g.writeNumberField("lastSeenUnixNano", v.lastSeenUnixNano());
              g.writeNumberField("spans", v.spans());
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          });
    } catch (InvalidParameterException e) {
      return QueryService.error(400, e.parameter(), e.getMessage());
    }
  }
}
