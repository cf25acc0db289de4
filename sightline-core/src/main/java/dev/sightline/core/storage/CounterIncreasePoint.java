package dev.sightline.core.storage;

/**
 * The summed increase of the matching counter series over one step of a {@link
 * CounterIncreaseQuery}.
 *
 * @param timeUnixNano start of the step: {@code start + k × step} ({@code start} for step 0)
 * @param increase the increase, in the metric's unit; whole for integer counters
 */
public record CounterIncreasePoint(long timeUnixNano, double increase) {}
