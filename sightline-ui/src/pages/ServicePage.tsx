import { api } from '../api/sightline';
import type { OperationRed, TraceSummary } from '../api/types';
import { Link } from '../components/Link';
import { LogLine } from '../components/LogLine';
import { RedCharts } from '../components/RedCharts';
import { Empty, Loaded } from '../components/States';
import { Table, type Column } from '../components/Table';
import { formatDuration, formatMs, formatPercent, formatRate, formatTimestamp } from '../lib/format';
import { usePage, useRange } from '../lib/pageContext';
import { linkWithRange, navigate, withParams } from '../lib/router';
import { useApi } from '../lib/useApi';

/** `/services/{service}?operation=`: RED charts, operations, recent error and slow traces, warn+ logs. */
export function ServicePage({ service }: { service: string }) {
  const { location } = usePage();
  const { resolved, key } = useRange();
  const operation = location.params.get('operation') ?? '';
  const red = useApi((s) => api.red({ service, operation: operation || undefined }, resolved, s), [service, operation, key]);
  const operations = useApi((s) => api.operations(service, resolved, s), [service, key]);
  const summary = useApi((s) => api.services(resolved, s), [key]);
  const p95 = summary.data?.services.find((x) => x.name === service)?.p95Ms;
  const traceFilter = (extra: Record<string, string>) => {
    const q = new URLSearchParams({ service, ...extra });
    if (operation) q.set('operation', operation);
    return q;
  };
  const errorTraces = useApi((s) => api.searchTraces(traceFilter({ status: 'error' }), resolved, 10, s), [service, operation, key]);
  const slowTraces = useApi(
    (s) => (p95 == null ? Promise.resolve({ traces: [] }) : api.searchTraces(traceFilter({ minDurationMs: String(p95) }), resolved, 10, s)),
    [service, operation, key, p95],
  );
  const logs = useApi((s) => api.logs({ service, severityMin: 'WARN' }, resolved, 20, s), [service, key]);
  const columns: Column<OperationRed>[] = [
    {
      key: 'name',
      label: 'Operation',
      render: (o) => (
        <button type="button" class="link-btn" onClick={() => navigate(withParams({ operation: o.name }, location))}>
          {o.name}
        </button>
      ),
      sort: (o) => o.name,
    },
    { key: 'kind', label: 'Kind', render: (o) => o.spanKind, sort: (o) => o.spanKind },
    { key: 'rate', label: 'Rate', numeric: true, render: (o) => formatRate(o.rate), sort: (o) => o.rate },
    { key: 'err', label: 'Errors', numeric: true, render: (o) => formatPercent(o.errorRatio), sort: (o) => o.errorRatio ?? 0 },
    { key: 'p50', label: 'p50', numeric: true, render: (o) => formatMs(o.p50Ms), sort: (o) => o.p50Ms ?? 0 },
    { key: 'p95', label: 'p95', numeric: true, render: (o) => formatMs(o.p95Ms), sort: (o) => o.p95Ms ?? 0 },
    { key: 'p99', label: 'p99', numeric: true, render: (o) => formatMs(o.p99Ms), sort: (o) => o.p99Ms ?? 0 },
  ];
  return (
    <>
      <p>
        {operation ? (
          <>
            Operation <strong>{operation}</strong> ·{' '}
            <button type="button" class="link-btn" onClick={() => navigate(withParams({ operation: null }, location))}>
              all entry operations
            </button>
          </>
        ) : (
          'All entry operations (server and consumer spans)'
        )}{' '}
        · <Link href={linkWithRange('/traces', location.params, { service })}>search its traces</Link> ·{' '}
        <Link href={linkWithRange('/logs', location.params, { service })}>its logs</Link>
      </p>
      <Loaded state={red} what="RED metrics">
        {(d) => <RedCharts series={d} />}
      </Loaded>
      <div class="section">
        <h2>Operations</h2>
        <Loaded state={operations} what="operations">
          {(d) =>
            d.operations.length === 0 ? (
              <Empty>No spans from {service} in this time range.</Empty>
            ) : (
              <Table columns={columns} rows={d.operations} rowKey={(o) => o.name + o.spanKind} initialSort={{ key: 'rate', descending: true }} />
            )
          }
        </Loaded>
      </div>
      <div class="grid-2">
        <div class="section">
          <h2>Recent error traces</h2>
          <Loaded state={errorTraces} what="traces">
            {(d) => <TraceList traces={d.traces} empty="No trace with an error span in this range." params={location.params} />}
          </Loaded>
        </div>
        <div class="section">
          <h2>Recent slow traces {p95 != null && <span class="muted">(a span ≥ p95, {formatMs(p95)})</span>}</h2>
          <Loaded state={slowTraces} what="traces">
            {(d) => <TraceList traces={d.traces} empty="No slow trace in this range." params={location.params} />}
          </Loaded>
        </div>
      </div>
      <div class="section">
        <h2>Recent warnings and errors in its logs</h2>
        <Loaded state={logs} what="logs">
          {(d) => (d.logs.length === 0 ? <Empty>No WARN or worse log records from {service}.</Empty> : d.logs.map((l, i) => <LogLine key={i} log={l} />))}
        </Loaded>
      </div>
    </>
  );
}

function TraceList({ traces, empty, params }: { traces: TraceSummary[]; empty: string; params: URLSearchParams }) {
  if (traces.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="trace-list">
      {traces.map((t) => (
        <li key={t.traceId}>
          <Link href={linkWithRange(`/traces/${t.traceId}`, params)}>
            {t.rootService} {t.rootName}
          </Link>{' '}
          <span class="muted">
            {formatDuration(t.durationNanos)} · {formatTimestamp(t.startTimeUnixNano)}
            {t.errorCount > 0 && ` · ${t.errorCount} errors`}
          </span>
        </li>
      ))}
    </ul>
  );
}
