package dev.sightline.core.storage;

import java.util.List;

/**
 * Lists the versions services ran. Optional: a backend offers it with {@link
 * StorageCapability#SERVICE_VERSIONS} ({@link StorageComponent#serviceVersionReader()}). Methods
 * block; call them off event-loop threads.
 */
public interface ServiceVersionReader {

  /**
   * The versions ({@code service.version} resource attribute) each service ran in spans starting in
   * [startUnixNano, endUnixNano), ordered by service then first seen. Deployments show up as a
   * service with a version first seen inside the range. Nothing stored yields an empty list.
   */
  List<ServiceVersion> serviceVersions(String tenant, long startUnixNano, long endUnixNano);
}
