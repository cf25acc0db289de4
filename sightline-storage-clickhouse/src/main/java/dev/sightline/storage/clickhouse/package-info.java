/**
 * The scale-out storage backend, on ClickHouse over its HTTP interface: {@link
 * dev.sightline.storage.clickhouse.ClickHouseStorage}. See the module's README for the schema, the
 * write path and what works on which server version.
 */
@NullMarked
package dev.sightline.storage.clickhouse;

import org.jspecify.annotations.NullMarked;
