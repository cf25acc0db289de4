import type { MetricChart, MetricChartSeries } from '../api/types';
import { attributeAsText } from './spanFilter';

type Column = (number | null)[];

/**
 * One chart series as uPlot data: x (seconds) then one column per line — `value` for gauges and
 * rates, p50/p95/p99 for histograms — plus an exemplars column (null except at exemplar times),
 * with exemplar times merged into x so they sit where they happened.
 */
export function metricSeriesData(display: MetricChart['display'], s: MetricChartSeries): Column[] {
  const times = new Set<number>();
  for (const p of s.points) times.add(p.timeUnixNano);
  const withExemplars = display !== 'rate';
  if (withExemplars) for (const e of s.exemplars) times.add(e.timeUnixNano);
  const x = [...times].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const keys = display === 'quantiles' ? (['p50', 'p95', 'p99'] as const) : (['value'] as const);
  const columns: Column[] = keys.map(() => x.map(() => null));
  for (const p of s.points) {
    const i = index.get(p.timeUnixNano)!;
    keys.forEach((k, c) => {
      columns[c]![i] = p[k] ?? null;
    });
  }
  const exemplars: Column = x.map(() => null);
  if (withExemplars) for (const e of s.exemplars) exemplars[index.get(e.timeUnixNano)!] = e.value;
  return [x.map((t) => t / 1e9), ...columns, exemplars];
}

/** `service · key=value, key=value` naming one series. */
export function seriesLabel(s: MetricChartSeries): string {
  const attrs = Object.entries(s.attributes)
    .map(([k, v]) => `${k}=${attributeAsText(v)}`)
    .join(', ');
  return [s.service, attrs].filter((x) => x !== '').join(' · ') || '(no attributes)';
}
