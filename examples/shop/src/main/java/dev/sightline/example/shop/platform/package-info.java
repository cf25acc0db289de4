/**
 * What every shop service runs on: an HTTP host with swappable deployments, a per-deployment SDK,
 * an instrumented client with timeouts and retries, a simulated database and an in-memory message
 * broker.
 */
@NullMarked
package dev.sightline.example.shop.platform;

import org.jspecify.annotations.NullMarked;
