/**
 * The storage SPI. A backend provides one {@link dev.sightline.core.storage.StorageComponent}; its
 * writer persists batches durably and its readers answer the query API. The shared test suites in
 * {@code sightline-testing} define the observable contract every backend must meet.
 */
@NullMarked
package dev.sightline.core.storage;

import org.jspecify.annotations.NullMarked;
