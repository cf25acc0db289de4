package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.core.storage.ServiceOperations;
import dev.sightline.core.storage.ServiceVersion;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.TraceQuery;
import dev.sightline.core.storage.TraceReader;
import dev.sightline.core.storage.TraceSummary;
import java.util.List;
import java.util.Set;

/**
 * The embedded store's {@link TraceReader} and {@link ServiceVersionReader}: trace by id ({@link
 * TraceLookup}), search ({@link TraceSearch}) and the services of a range ({@link ServiceListing}),
 * each on pooled reader connections.
 */
final class DuckDbTraceReader implements TraceReader, ServiceVersionReader {
  private final TraceLookup lookup;
  private final TraceSearch search;
  private final ServiceListing services;

  DuckDbTraceReader(ReaderConnections connections, Set<String> indexedAttributes) {
    this.lookup = new TraceLookup(connections);
    this.search = new TraceSearch(connections, indexedAttributes);
    this.services = new ServiceListing(connections);
  }

  /** Tests set its switches ({@link TraceSearch#useSpanBlocks}, {@link TraceSearch#sliceSpans}). */
  TraceSearch search() {
    return search;
  }

  @Override
  public List<Span> getTrace(String tenant, String traceId) {
    return lookup.getTrace(tenant, traceId);
  }

  @Override
  public List<TraceSummary> searchTraces(TraceQuery query) {
    return search.searchTraces(query);
  }

  @Override
  public List<ServiceVersion> serviceVersions(String tenant, long startUnixNano, long endUnixNano) {
    return services.serviceVersions(tenant, startUnixNano, endUnixNano);
  }

  @Override
  public List<ServiceOperations> services(String tenant, long startUnixNano, long endUnixNano) {
    return services.services(tenant, startUnixNano, endUnixNano);
  }
}
