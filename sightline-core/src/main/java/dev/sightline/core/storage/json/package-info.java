/**
 * The typed JSON both storage backends write where nothing filters inside a value (events, links,
 * resources, scopes, exemplars, histogram values): every {@code AnyValue} kind round-trips exactly
 * (see sightline-storage-duckdb/README.md, "Why this layout"). One codec, so that data written by
 * one backend reads alike in the other and a fix lands once.
 */
@NullMarked
package dev.sightline.core.storage.json;

import org.jspecify.annotations.NullMarked;
