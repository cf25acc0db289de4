/** Benchmarks of the incident-analysis algorithms of {@code sightline-incident}. */
@NullMarked
package dev.sightline.bench.incident;

import org.jspecify.annotations.NullMarked;
