/**
 * Deterministic fault scenarios in a simulated shop (frontend, order, inventory, payment, shipping
 * and a shared auth service): a healthy baseline, then one fault, back-filled up to a given end
 * instant, with correlated logs and the ground truth an incident investigation should find ({@link
 * dev.sightline.testing.scenarios.FaultScenario}).
 */
@NullMarked
package dev.sightline.testing.scenarios;

import org.jspecify.annotations.NullMarked;
