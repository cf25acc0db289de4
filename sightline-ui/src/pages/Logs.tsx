import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/sightline';
import type { LogRecord } from '../api/types';
import { LogLine } from '../components/LogLine';
import { Empty, ErrorBox, Loaded } from '../components/States';
import { mergeNewest, nextPollStart } from '../lib/liveTail';
import { usePage, useRange } from '../lib/pageContext';
import { navigate, rangeQuery, withParams } from '../lib/router';
import { useApi } from '../lib/useApi';

const FIELDS = ['service', 'severityMin', 'q', 'traceId', 'spanId'] as const;
type LogForm = Record<(typeof FIELDS)[number], string>;
const LIMIT = 500;
const TAIL_MS = 2_000;

/** `/logs?service=&severityMin=&q=&traceId=&spanId=`: search, newest first, and a live tail (`live=on`). */
export function Logs() {
  const { location } = usePage();
  const { resolved, key } = useRange();
  const form = Object.fromEntries(FIELDS.map((f) => [f, location.params.get(f) ?? ''])) as LogForm;
  const live = location.params.get('live') === 'on';
  const formKey = JSON.stringify(form);
  const logs = useApi((s) => api.logs(form, resolved, LIMIT, s), [formKey, key]);
  return (
    <>
      <LogSearchForm key={formKey} initial={form} rangeParams={rangeQuery(location.params)} live={live} />
      <label class="toggle">
        <input
          type="checkbox"
          checked={live}
          data-testid="live-tail"
          onChange={(e) => navigate(withParams({ live: e.currentTarget.checked ? 'on' : null }, location), true)}
        />{' '}
        Live tail (new records every {TAIL_MS / 1000} s)
      </label>
      <Loaded state={logs} what="logs">
        {(d) => (live ? <LiveTail key={formKey} form={form} initial={d.logs} /> : <LogList logs={d.logs} />)}
      </Loaded>
    </>
  );
}

function LogList({ logs }: { logs: LogRecord[] }) {
  if (logs.length === 0) return <Empty>No log record matches in this time range. Remove a filter or widen the range.</Empty>;
  return (
    <div data-testid="log-results">
      {logs.length === LIMIT && <p class="muted">The newest {LIMIT} records; narrow the search to see older ones.</p>}
      {logs.map((l, i) => <LogLine key={i} log={l} />)}
    </div>
  );
}

function LiveTail({ form, initial }: { form: LogForm; initial: LogRecord[] }) {
  const [shown, setShown] = useState(initial);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = initial;
    const controller = new AbortController();
    const timer = setInterval(() => {
      const start = nextPollStart(current, Date.now() - 60_000);
      api.logs(form, { startMs: start, endMs: Date.now() + 1_000 }, LIMIT, controller.signal).then(
        (d) => {
          current = mergeNewest(current, d.logs, LIMIT);
          setShown(current);
          setError(undefined);
        },
        (e: unknown) => {
          if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
        },
      );
    }, TAIL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, []);
  return (
    <>
      {error && <ErrorBox message={error} />}
      <LogList logs={shown} />
    </>
  );
}

function LogSearchForm({ initial, rangeParams, live }: { initial: LogForm; rangeParams: string; live: boolean }) {
  const [form, setForm] = useState(initial);
  const submit = (e: Event) => {
    e.preventDefault();
    const q = new URLSearchParams(rangeParams);
    for (const f of FIELDS) if (form[f].trim()) q.set(f, form[f].trim());
    if (live) q.set('live', 'on');
    navigate(`/logs?${q.toString()}`);
  };
  const input = (f: (typeof FIELDS)[number], label: string, size = 14) => (
    <label>
      {label}
      <input name={f} size={size} value={form[f]} onInput={(e) => setForm({ ...form, [f]: e.currentTarget.value })} />
    </label>
  );
  return (
    <form class="form" onSubmit={submit} aria-label="Log search">
      {input('service', 'Service')}
      <label>
        Minimum severity
        <select name="severityMin" value={form.severityMin} onChange={(e) => setForm({ ...form, severityMin: e.currentTarget.value })}>
          <option value="">any</option>
          {['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      {input('q', 'Text contains', 24)}
      {input('traceId', 'Trace id', 32)}
      {input('spanId', 'Span id', 16)}
      <button type="submit" class="btn btn-primary">Search</button>
    </form>
  );
}
