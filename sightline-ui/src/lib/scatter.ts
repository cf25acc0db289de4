import type { TraceSummary } from '../api/types';

/**
 * Trace search results as uPlot data for the duration-over-time scatter: x (seconds) ascending,
 * one series of traces without errors and one with errors (null where a trace is in the other),
 * durations in milliseconds; `order` maps each x index back to its trace.
 */
export function scatterData(traces: readonly TraceSummary[]): {
  data: [number[], (number | null)[], (number | null)[]];
  order: TraceSummary[];
} {
  const order = [...traces].sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
  const x = order.map((t) => t.startTimeUnixNano / 1e9);
  const ok = order.map((t) => (t.errorCount > 0 ? null : t.durationNanos / 1e6));
  const bad = order.map((t) => (t.errorCount > 0 ? t.durationNanos / 1e6 : null));
  return { data: [x, ok, bad], order };
}
