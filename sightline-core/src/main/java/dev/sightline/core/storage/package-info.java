/**
 * The storage SPI. A backend provides one {@link dev.sightline.core.storage.StorageComponent}; its
 * writer persists batches durably and its readers answer the query API. The shared test suites in
 * {@code sightline-testing} define the observable contract every backend must meet.
 *
 * <h2>Capabilities</h2>
 *
 * The writer and the trace, log and metric readers are mandatory: the server needs nothing else to
 * ingest and answer queries. Features a backend may lack are {@link
 * dev.sightline.core.storage.StorageCapability capabilities}, each one small reader reached through
 * an {@code Optional} accessor of the component: {@link
 * dev.sightline.core.storage.SpanMetricsReader span metrics} (RED, service map), {@link
 * dev.sightline.core.storage.SpanCountReader span counts}, {@link
 * dev.sightline.core.storage.ServiceVersionReader service versions} and {@link
 * dev.sightline.core.storage.CounterIncreaseReader counter increases}. Why this shape:
 *
 * <ul>
 *   <li>A caller cannot forget a missing feature: it gets an {@code Optional}, not a method that
 *       may throw, so the fallback (an API 501, an SLI "unsupported", an evidence section skipped)
 *       is written where the reader is obtained and is visible in review. Before, optional features
 *       were default methods throwing {@code UnsupportedOperationException} that ten callers had to
 *       remember to catch, and a forgotten catch failed at run time on the second backend only.
 *   <li>What a backend offers is declared, not discovered: {@link
 *       dev.sightline.core.storage.StorageComponent#capabilities()} lists it (derived from the
 *       accessors, so the two cannot disagree), for logs, health output and the shared suites,
 *       which skip exactly the cases of a capability a backend lacks.
 *   <li>Each optional feature is its own interface instead of an optional method on a mandatory
 *       reader, so a backend implements it or not as a whole; one class may implement several
 *       (DuckDB's trace reader is also its service-version reader).
 *   <li>New optional features join the same way without breaking backends: a new accessor with an
 *       empty default and a new enum constant (Zipkin's {@code autocompleteTags()} default is the
 *       model).
 * </ul>
 */
@NullMarked
package dev.sightline.core.storage;

import org.jspecify.annotations.NullMarked;
