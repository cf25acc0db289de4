/**
 * OTLP receivers on Armeria: gRPC {@code Export} for the three collector services and OTLP/HTTP
 * {@code POST /v1/traces|metrics|logs}, with request limits, gzip, backpressure and acknowledgement
 * only after storage reports the data durable.
 */
@NullMarked
package dev.sightline.otlp.receiver;

import org.jspecify.annotations.NullMarked;
