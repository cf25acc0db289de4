/** The HTTP query API, health and self-metrics endpoints. */
@NullMarked
package dev.sightline.server.api;

import org.jspecify.annotations.NullMarked;
