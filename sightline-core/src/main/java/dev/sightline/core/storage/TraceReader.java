package dev.sightline.core.storage;

import dev.sightline.core.model.Span;
import java.util.List;

/**
 * Reads traces. Methods block; call them off event-loop threads. Service versions, which a backend
 * may lack, are a separate {@link ServiceVersionReader}.
 */
public interface TraceReader {

  /**
   * All spans of one trace in one tenant, ordered by start time then span id. {@code traceId} is 32
   * lowercase hex characters. An unknown trace yields an empty list, not an error. A span stored
   * more than once (a client retried an export whose acknowledgement it did not see) is returned
   * once.
   */
  List<Span> getTrace(String tenant, String traceId);

  /**
   * Traces having at least one span that matches every criterion of {@code query} at once (service,
   * operation, duration range, error status, attributes) and starts inside the time range. Each
   * summary describes the whole trace (its spans starting within an hour of the range; a span
   * stored twice counted once). Newest first by trace start; at most {@code query.limit()}.
   */
  List<TraceSummary> searchTraces(TraceQuery query);

  /**
   * The services that emitted spans with start time in [startUnixNano, endUnixNano), each with its
   * operations (span names), sorted by name.
   */
  List<ServiceOperations> services(String tenant, long startUnixNano, long endUnixNano);
}
