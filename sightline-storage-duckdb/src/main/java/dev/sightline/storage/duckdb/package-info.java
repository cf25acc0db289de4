/**
 * The embedded default storage backend, on DuckDB: {@link
 * dev.sightline.storage.duckdb.DuckDbStorage}. See the module's README for the schema, the
 * group-commit write path and the durability argument.
 */
@NullMarked
package dev.sightline.storage.duckdb;

import org.jspecify.annotations.NullMarked;
