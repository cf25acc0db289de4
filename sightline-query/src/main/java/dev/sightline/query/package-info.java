/**
 * The query API's logic, independent of the HTTP server: parameter parsing and validation, calls to
 * the storage readers, and JSON rendering of traces, logs, metric series and services.
 */
@NullMarked
package dev.sightline.query;

import org.jspecify.annotations.NullMarked;
