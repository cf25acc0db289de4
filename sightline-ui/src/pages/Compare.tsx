import { useMemo, useState } from 'preact/hooks';
import { api } from '../api/sightline';
import type { Trace } from '../api/types';
import { Link } from '../components/Link';
import { Empty, ErrorBox, Loading } from '../components/States';
import { formatDuration } from '../lib/format';
import { usePage } from '../lib/pageContext';
import { navigate, withParams } from '../lib/router';
import { compareTraces, criticalPathSteps, type OperationStats, type PathStep } from '../lib/traceCompare';
import { useApi, type ApiState } from '../lib/useApi';

const TRACE_ID = /^[0-9a-fA-F]{32}$/;

/** `/compare?a=TRACE&b=TRACE`: two traces side by side by (service, operation). */
export function Compare() {
  const { location } = usePage();
  const a = (location.params.get('a') ?? '').trim().toLowerCase();
  const b = (location.params.get('b') ?? '').trim().toLowerCase();
  const traceA = useTrace(a);
  const traceB = useTrace(b);
  return (
    <>
      <CompareForm key={`${a}|${b}`} a={a} b={b} />
      {!a && !b ? (
        <Empty>Enter two trace ids to compare them (an incident's bad traces link here with a baseline trace).</Empty>
      ) : (
        <>
          <div class="grid-2 compare-sides">
            <Side label="A" id={a} state={traceA} />
            <Side label="B" id={b} state={traceB} />
          </div>
          {traceA.data && traceB.data && <Comparison a={traceA.data} b={traceB.data} />}
        </>
      )}
    </>
  );
}

function useTrace(id: string): ApiState<Trace> {
  return useApi<Trace>(async (s) => {
    if (!id) throw new Error('No trace id given.');
    if (!TRACE_ID.test(id)) throw new Error(`"${id}" is not a trace id (32 hex characters).`);
    return api.trace(id, s);
  }, [id]);
}

function CompareForm({ a, b }: { a: string; b: string }) {
  const [form, setForm] = useState({ a, b });
  const submit = (e: Event) => {
    e.preventDefault();
    navigate(withParams({ a: form.a.trim(), b: form.b.trim() }));
  };
  return (
    <form class="form" onSubmit={submit} aria-label="Traces to compare">
      <label>
        Trace A
        <input name="a" class="mono" size={34} value={form.a} data-testid="compare-input-a" onInput={(e) => setForm({ ...form, a: e.currentTarget.value })} />
      </label>
      <label>
        Trace B
        <input name="b" class="mono" size={34} value={form.b} data-testid="compare-input-b" onInput={(e) => setForm({ ...form, b: e.currentTarget.value })} />
      </label>
      <button type="submit" class="btn btn-primary">
        Compare
      </button>
      <button type="button" class="btn" onClick={() => navigate(withParams({ a: form.b.trim(), b: form.a.trim() }))} title="swap A and B">
        ⇄ Swap
      </button>
    </form>
  );
}

function Side({ label, id, state }: { label: string; id: string; state: ApiState<Trace> }) {
  const summary = useMemo(() => {
    const spans = state.data?.spans ?? [];
    if (spans.length === 0) return null;
    const start = Math.min(...spans.map((s) => s.startTimeUnixNano));
    const end = Math.max(...spans.map((s) => s.endTimeUnixNano));
    const root = spans.find((s) => !s.parentSpanId) ?? spans[0]!;
    return { root, duration: end - start, spans: spans.length, errors: spans.filter((s) => s.status.code === 'ERROR').length };
  }, [state.data]);
  return (
    <section class="section compare-side" data-testid={`compare-side-${label.toLowerCase()}`}>
      <h2>
        Trace {label}: {id ? <Link href={`/traces/${id}`}><span class="mono">{id}</span></Link> : <span class="muted">none</span>}
      </h2>
      {state.error ? (
        <ErrorBox message={`Trace ${label}: ${state.error}`} />
      ) : !state.data ? (
        <Loading what={`trace ${label}`} />
      ) : !summary ? (
        <Empty>Trace {label} has no spans.</Empty>
      ) : (
        <>
          <p>
            <strong>{summary.root.service}</strong> {summary.root.name} · {formatDuration(summary.duration)} · {summary.spans} spans
            {summary.errors > 0 && <> <span class="pill pill-error">{summary.errors} errors</span></>}
          </p>
          <CriticalPath steps={criticalPathSteps(state.data.spans)} label={label} />
        </>
      )}
    </section>
  );
}

function CriticalPath({ steps, label }: { steps: PathStep[]; label: string }) {
  const max = Math.max(1, ...steps.map((s) => s.durationNanos));
  return (
    <div data-testid={`compare-critical-${label.toLowerCase()}`}>
      <h3 class="small">Critical path</h3>
      <ol class="plain-list critical-steps">
        {steps.map((s) => (
          <li key={s.spanId} style={{ paddingLeft: `${Math.min(s.depth, 12) * 10}px` }}>
            <div class="step-label small">
              {s.error && <span class="wf-err">!</span>}
              <strong>{s.service}</strong> {s.name} <span class="muted">{formatDuration(s.durationNanos)}</span>
            </div>
            <span class="bar bar-critical" style={{ width: `${(s.durationNanos / max) * 100}%` }} />
          </li>
        ))}
      </ol>
    </div>
  );
}

function Comparison({ a, b }: { a: Trace; b: Trace }) {
  const c = useMemo(() => compareTraces(a.spans, b.spans), [a, b]);
  return (
    <>
      <section class="section" data-testid="compare-deltas" aria-labelledby="deltas-h">
        <h2 id="deltas-h">
          Time per operation in both <span class="muted small">· B − A of total time, largest difference first</span>
        </h2>
        {c.both.length === 0 ? (
          <p class="muted">No operation is in both traces.</p>
        ) : (
          <table class="table compact">
            <thead>
              <tr>
                <th>Operation</th>
                <th class="num">Count A / B</th>
                <th class="num">Total A / B</th>
                <th class="num">Self A / B</th>
                <th class="num">Delta</th>
                <th class="delta-col">B slower → / ← B faster</th>
              </tr>
            </thead>
            <tbody>
              {c.both.map((d) => {
                const w = (Math.abs(d.deltaNanos) / c.maxAbsDelta) * 50;
                return (
                  <tr key={`${d.service}\u0000${d.name}`} data-testid="compare-delta">
                    <td>
                      <strong>{d.service}</strong> {d.name}
                    </td>
                    <td class="num">
                      {d.a.count} / {d.b.count}
                    </td>
                    <td class="num">
                      {formatDuration(d.a.totalNanos)} / {formatDuration(d.b.totalNanos)}
                    </td>
                    <td class="num">
                      {formatDuration(d.a.selfNanos)} / {formatDuration(d.b.selfNanos)}
                    </td>
                    <td class={`num ${d.deltaNanos > 0 ? 'error-text' : d.deltaNanos < 0 ? 'ok-text' : ''}`}>
                      {d.deltaNanos > 0 ? '+' : ''}
                      {formatDuration(d.deltaNanos)}
                    </td>
                    <td class="delta-col">
                      <div class="delta-track">
                        <span
                          class={`bar ${d.deltaNanos > 0 ? 'bar-bad' : 'bar-good'}`}
                          style={d.deltaNanos >= 0 ? { left: '50%', width: `${w}%` } : { left: `${50 - w}%`, width: `${w}%` }}
                        />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <div class="grid-2">
        <OnlyIn label="A" testId="compare-only-a" ops={c.onlyA} />
        <OnlyIn label="B" testId="compare-only-b" ops={c.onlyB} />
      </div>
    </>
  );
}

function OnlyIn({ label, testId, ops }: { label: string; testId: string; ops: OperationStats[] }) {
  return (
    <section class="section" data-testid={testId}>
      <h2>Only in {label}</h2>
      {ops.length === 0 ? (
        <p class="muted">None: every operation of {label} is in the other trace.</p>
      ) : (
        <table class="table compact">
          <tbody>
            {ops.map((o) => (
              <tr key={`${o.service}\u0000${o.name}`} data-testid="compare-only-op">
                <td>
                  <strong>{o.service}</strong> {o.name}
                  {o.errors > 0 && <> <span class="pill pill-error">{o.errors} errors</span></>}
                </td>
                <td class="num">× {o.count}</td>
                <td class="num">{formatDuration(o.totalNanos)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
