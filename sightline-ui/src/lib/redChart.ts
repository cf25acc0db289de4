import type { RedSeries } from '../api/types';

type Column = (number | null)[];

/** A RED series as uPlot data: x in seconds, then rate, error ratio (%), and p50/p95/p99 (ms). */
export function redChartData(series: RedSeries): {
  rate: [number[], Column];
  errors: [number[], Column];
  latency: [number[], Column, Column, Column];
} {
  const x = series.points.map((p) => p.timeUnixNano / 1e9);
  const col = (f: (p: RedSeries['points'][number]) => number | null) => series.points.map(f);
  return {
    rate: [x, col((p) => p.rate)],
    errors: [x, col((p) => (p.errorRatio == null ? null : p.errorRatio * 100))],
    latency: [x, col((p) => p.p50Ms), col((p) => p.p95Ms), col((p) => p.p99Ms)],
  };
}
