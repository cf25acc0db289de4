/**
 * The OpenTelemetry getting-started dice service, in Java: {@code /rolldice} and {@code
 * /rolldice/{player}} on the JDK HTTP server with the OpenTelemetry library instrumentation, a
 * manual {@code roll} span, the {@code dice.rolls} counter and a correlated log line.
 */
@NullMarked
package dev.sightline.example.dice;

import org.jspecify.annotations.NullMarked;
