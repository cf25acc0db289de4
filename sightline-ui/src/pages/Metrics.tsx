import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { api } from '../api/sightline';
import type { MetricChart, MetricChartSeries } from '../api/types';
import { Chart, type Mark, type SeriesSpec } from '../components/Chart';
import { Empty, Loaded } from '../components/States';
import { formatDuration } from '../lib/format';
import { metricSeriesData, seriesLabel } from '../lib/metricChart';
import { usePage, useRange } from '../lib/pageContext';
import { linkWithRange, navigate, withParams } from '../lib/router';
import { useApi } from '../lib/useApi';

const MAX_CHARTS = 12;

/** `/metrics?name=&service=`: a searchable metric picker and one chart per series of the metric. */
export function Metrics() {
  const { location } = usePage();
  const { resolved, key } = useRange();
  const name = location.params.get('name') ?? '';
  const service = location.params.get('service') ?? '';
  const names = useApi((s) => api.metricNames(resolved, s), [key]);
  const chart = useApi(
    (s) => (name ? api.metricChart({ name, service: service || undefined }, resolved, s) : Promise.resolve(null)),
    [name, service, key],
  );
  return (
    <div class="metrics-layout">
      <Loaded state={names} what="metric names">
        {(d) => <MetricPicker names={d.names} selected={name} />}
      </Loaded>
      <div>
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            const value = (e.currentTarget.elements.namedItem('service') as HTMLInputElement).value.trim();
            navigate(withParams({ service: value || null }, location));
          }}
        >
          <label>
            Service
            <input name="service" key={service} defaultValue={service} />
          </label>
          <button type="submit" class="btn">Filter</button>
        </form>
        {!name ? (
          <Empty>Pick a metric on the left.</Empty>
        ) : (
          <Loaded state={chart} what={name}>
            {(d) => (d == null || d.series.length === 0 ? <Empty>No points of {name} in this time range.</Empty> : <MetricCharts chart={d} />)}
          </Loaded>
        )}
      </div>
    </div>
  );
}

function MetricPicker({ names, selected }: { names: string[]; selected: string }) {
  const { location } = usePage();
  const [search, setSearch] = useState('');
  const shown = names.filter((n) => n.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <nav class="metric-picker" aria-label="Metrics">
      <input type="search" placeholder="Search metrics" value={search} onInput={(e) => setSearch(e.currentTarget.value)} aria-label="Search metrics" />
      {names.length === 0 ? (
        <p class="muted">No metrics in this time range.</p>
      ) : (
        <ul>
          {shown.map((n) => (
            <li key={n}>
              <a
                href={linkWithRange('/metrics', location.params, { name: n })}
                aria-current={n === selected ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(withParams({ name: n }, location));
                }}
              >
                {n}
              </a>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}

function MetricCharts({ chart }: { chart: MetricChart }) {
  const what = { value: 'as recorded', rate: 'rate per second of the monotonic sum', quantiles: 'percentiles per interval' }[chart.display];
  return (
    <>
      <p>
        <strong>{chart.name}</strong> <span class="muted">{chart.type.toLowerCase()}{chart.unit && `, ${chart.unit}`}: {what}. {chart.description}</span>
      </p>
      {chart.series.length > MAX_CHARTS && <p class="muted">The first {MAX_CHARTS} of {chart.series.length} series; filter by service to see others.</p>}
      <div class="grid-2">
        {chart.series.slice(0, MAX_CHARTS).map((s, i) => (
          <SeriesChart key={i} chart={chart} series={s} />
        ))}
      </div>
    </>
  );
}

function SeriesChart({ chart, series }: { chart: MetricChart; series: MetricChartSeries }) {
  const { location } = usePage();
  const { resolved } = useRange();
  const { data, specs, marks } = useMemo(() => {
    const data = metricSeriesData(chart.display, series) as uPlot.AlignedData;
    const lines: SeriesSpec[] =
      chart.display === 'quantiles'
        ? [
            { label: 'p50', color: 'var(--series-2)' },
            { label: 'p95', color: 'var(--series-0)' },
            { label: 'p99', color: 'var(--series-3)' },
          ]
        : [{ label: chart.display === 'rate' ? `${chart.unit || 'count'}/s` : chart.unit || 'value', color: 'var(--series-0)' }];
    const specs = [...lines, { label: 'exemplars', color: 'var(--critical)', points: true }];
    const marks: Mark[] =
      chart.display === 'rate'
        ? []
        : series.exemplars
            .filter((e) => e.traceId)
            .map((e) => ({
              x: e.timeUnixNano / 1e9,
              y: e.value,
              label: `exemplar ${e.value}${chart.unit ? ' ' + chart.unit : ''}: open trace ${e.traceId}`,
              href: linkWithRange(`/traces/${e.traceId}`, location.params, e.spanId ? { span: e.spanId } : {}),
              kind: 'exemplar',
            }));
    return { data, specs, marks };
  }, [chart, series]);
  const yFormat = chart.unit === 's' ? (v: number) => formatDuration(v * 1e9) : chart.unit === 'ms' ? (v: number) => formatDuration(v * 1e6) : (v: number) => String(Number(v.toPrecision(3)));
  return (
    <Chart
      testId="metric-chart"
      title={seriesLabel(series)}
      data={data}
      series={specs}
      marks={marks}
      yFormat={yFormat}
      height={180}
      xRange={[resolved.startMs / 1000, resolved.endMs / 1000]}
    />
  );
}
