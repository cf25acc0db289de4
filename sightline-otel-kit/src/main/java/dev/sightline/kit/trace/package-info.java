/**
 * Typed span helpers with error classification ({@link dev.sightline.kit.trace.Traced}) and the
 * rule-based head sampler ({@link dev.sightline.kit.trace.RuleBasedSampler}).
 */
@NullMarked
package dev.sightline.kit.trace;

import org.jspecify.annotations.NullMarked;
