/**
 * Trace context and baggage through message headers, with producer/consumer spans and messaging
 * semantic-convention attributes and metrics.
 */
@NullMarked
package dev.sightline.kit.messaging;

import org.jspecify.annotations.NullMarked;
