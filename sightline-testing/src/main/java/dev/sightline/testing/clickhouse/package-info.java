/** A real ClickHouse server for tests: started, pinged, stopped and deleted by the test. */
@NullMarked
package dev.sightline.testing.clickhouse;

import org.jspecify.annotations.NullMarked;
