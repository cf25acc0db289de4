import { useMemo } from 'preact/hooks';
import type { RedSeries } from '../api/types';
import { formatMs, formatRate } from '../lib/format';
import { redChartData } from '../lib/redChart';
import { Chart, type SeriesSpec } from './Chart';

const RATE: SeriesSpec[] = [{ label: 'requests/s', color: 'var(--series-0)' }];
const ERRORS: SeriesSpec[] = [{ label: 'error %', color: 'var(--error)' }];
const LATENCY: SeriesSpec[] = [
  { label: 'p50', color: 'var(--series-2)' },
  { label: 'p95', color: 'var(--series-0)' },
  { label: 'p99', color: 'var(--series-3)' },
];

/** Rate, error ratio and latency percentiles over time, from one `/api/v1/red` answer. */
export function RedCharts({ series }: { series: RedSeries }) {
  const d = useMemo(() => redChartData(series), [series]);
  const x: [number, number] = [series.start / 1e9, series.end / 1e9];
  return (
    <div class="grid-2" data-testid="red-charts">
      <Chart title="Rate" data={d.rate} series={RATE} yFormat={formatRate} height={160} xRange={x} />
      <Chart title="Error ratio" data={d.errors} series={ERRORS} yFormat={(v) => `${Number(v.toFixed(2))}%`} height={160} xRange={x} />
      <Chart title="Latency" data={d.latency} series={LATENCY} yFormat={formatMs} height={160} xRange={x} />
    </div>
  );
}
