/** Metric cardinality guard: a view that strips high-cardinality keys and caps series. */
@NullMarked
package dev.sightline.kit.metrics;

import org.jspecify.annotations.NullMarked;
