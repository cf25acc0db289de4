/**
 * Exporters that print telemetry to standard output, one line per span, metric point or log record,
 * selectable as {@code sightline_stdout} through the autoconfigure SPI.
 */
@NullMarked
package dev.sightline.kit.export;

import org.jspecify.annotations.NullMarked;
