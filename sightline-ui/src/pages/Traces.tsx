import { useMemo, useState } from 'preact/hooks';
import { api } from '../api/sightline';
import type { TraceSummary } from '../api/types';
import { Chart, type Mark, type SeriesSpec } from '../components/Chart';
import { Link } from '../components/Link';
import { Empty, Loaded } from '../components/States';
import { Table, type Column } from '../components/Table';
import { formatDuration, formatTimestamp } from '../lib/format';
import { usePage, useRange } from '../lib/pageContext';
import { linkWithRange, navigate, rangeQuery } from '../lib/router';
import { scatterData } from '../lib/scatter';
import {
  attributeText,
  parseAttributeText,
  traceQueryFromParams,
  traceQueryToParams,
  type TraceQuery,
} from '../lib/traceQuery';
import { useApi } from '../lib/useApi';

const LIMIT = 100;
const SCATTER_SERIES: SeriesSpec[] = [
  { label: 'trace', color: 'var(--series-0)', points: true },
  { label: 'with errors', color: 'var(--error)', points: true },
];

/** `/traces`: the search form bound to the URL, a duration scatter and the result list. */
export function Traces() {
  const { location } = usePage();
  const { resolved, key } = useRange();
  const query = traceQueryFromParams(location.params);
  const apiParams = traceQueryToParams(query);
  const results = useApi(
    (s) => api.searchTraces(apiParams, resolved, LIMIT, s),
    [apiParams.toString(), key],
  );
  return (
    <>
      <SearchForm key={apiParams.toString()} initial={query} rangeParams={rangeQuery(location.params)} />
      <Loaded state={results} what="traces">
        {(d) =>
          d.traces.length === 0 ? (
            <Empty>No trace matches these filters in this time range. Remove a filter or widen the range.</Empty>
          ) : (
            <Results traces={d.traces} params={location.params} xRange={[resolved.startMs / 1000, resolved.endMs / 1000]} />
          )
        }
      </Loaded>
    </>
  );
}

function SearchForm({ initial, rangeParams }: { initial: TraceQuery; rangeParams: string }) {
  const [form, setForm] = useState(initial);
  const [attrs, setAttrs] = useState(attributeText(initial.attributes));
  const services = useApi((s) => api.services(lastDay(), s), []);
  const set = (field: keyof TraceQuery) => (e: Event) =>
    setForm({ ...form, [field]: (e.currentTarget as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    const params = traceQueryToParams({ ...form, attributes: parseAttributeText(attrs) });
    for (const [k, v] of new URLSearchParams(rangeParams)) params.set(k, v);
    navigate(`/traces?${params.toString()}`);
  };
  const operations = services.data?.services.find((s) => s.name === form.service)?.operations ?? [];
  return (
    <form class="form" onSubmit={submit} aria-label="Trace search" data-testid="trace-search">
      <label>
        Service
        <input name="service" list="services-list" value={form.service} onInput={set('service')} />
        <datalist id="services-list">
          {services.data?.services.map((s) => <option key={s.name} value={s.name} />)}
        </datalist>
      </label>
      <label>
        Operation
        <input name="operation" list="operations-list" value={form.operation} onInput={set('operation')} />
        <datalist id="operations-list">
          {operations.map((o) => <option key={o.name + o.spanKind} value={o.name} />)}
        </datalist>
      </label>
      <label>
        Status
        <select name="status" value={form.status} onChange={set('status')}>
          <option value="">any</option>
          <option value="error">error</option>
        </select>
      </label>
      <label>
        Min duration (ms)
        <input name="minDurationMs" inputMode="decimal" size={8} value={form.minDurationMs} onInput={set('minDurationMs')} />
      </label>
      <label>
        Max duration (ms)
        <input name="maxDurationMs" inputMode="decimal" size={8} value={form.maxDurationMs} onInput={set('maxDurationMs')} />
      </label>
      <label>
        Attributes (KEY=VALUE, one a line)
        <textarea name="attributes" rows={1} value={attrs} onInput={(e) => setAttrs(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn btn-primary">
        Search
      </button>
    </form>
  );
}

/** Services for the form's suggestions, over the last 24 hours whatever the page range. */
function lastDay() {
  const now = Date.now();
  return { startMs: now - 86_400_000, endMs: now };
}

function Results({ traces, params, xRange }: { traces: TraceSummary[]; params: URLSearchParams; xRange: [number, number] }) {
  const link = (t: TraceSummary) => linkWithRange(`/traces/${t.traceId}`, params);
  const { data, marks } = useMemo(() => {
    const s = scatterData(traces);
    const marks: Mark[] = s.order.map((t) => ({
      x: t.startTimeUnixNano / 1e9,
      y: t.durationNanos / 1e6,
      label: `${t.rootService} ${t.rootName}: ${formatDuration(t.durationNanos)}${t.errorCount ? `, ${t.errorCount} errors` : ''}`,
      href: link(t),
      kind: t.errorCount > 0 ? 'trace-error' : 'trace',
    }));
    return { data: s.data, marks };
  }, [traces]);
  const columns: Column<TraceSummary>[] = [
    {
      key: 'root',
      label: 'Root',
      render: (t) => (
        <Link href={link(t)}>
          <strong>{t.rootService}</strong> {t.rootName}
        </Link>
      ),
      sort: (t) => `${t.rootService} ${t.rootName}`,
    },
    { key: 'start', label: 'Start', render: (t) => formatTimestamp(t.startTimeUnixNano), sort: (t) => t.startTimeUnixNano },
    { key: 'dur', label: 'Duration', numeric: true, render: (t) => formatDuration(t.durationNanos), sort: (t) => t.durationNanos },
    { key: 'spans', label: 'Spans', numeric: true, render: (t) => t.spanCount, sort: (t) => t.spanCount },
    {
      key: 'errors',
      label: 'Errors',
      numeric: true,
      render: (t) => (t.errorCount > 0 ? <span class="pill pill-error">{t.errorCount}</span> : '0'),
      sort: (t) => t.errorCount,
    },
    {
      key: 'services',
      label: 'Services',
      render: (t) => t.services.map((s) => <span key={s} class="pill">{s}</span>),
    },
  ];
  return (
    <>
      <Chart
        testId="trace-scatter"
        title={`Duration of ${traces.length} traces${traces.length === LIMIT ? ' (the newest ' + LIMIT + ')' : ''}`}
        data={data}
        series={SCATTER_SERIES}
        marks={marks}
        xRange={xRange}
        yFormat={(v) => formatDuration(v * 1e6)}
        height={180}
      />
      <Table testId="trace-results" columns={columns} rows={traces} rowKey={(t) => t.traceId} />
    </>
  );
}
