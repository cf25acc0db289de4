import type {
  AttributeDifference,
  DependencyTrend,
  ErrorGroup,
  Incident,
  LogPattern,
  OperationDelta,
  TraceRef,
} from '../../api/incidents';
import { Collapsed, PairBars } from '../../components/IncidentBits';
import { Link } from '../../components/Link';
import { formatMs, formatPercent, formatRate, formatTimestamp } from '../../lib/format';
import { baselineFor } from '../../lib/incident';

/** The evidence sections of the incident card (docs/incidents.md "Evidence"). */

const traceHref = (id: string) => `/traces/${id}`;
const logsHref = (traceId: string) => `/logs?traceId=${encodeURIComponent(traceId)}`;
const signedMs = (ms: number | null) => (ms == null ? '–' : `${ms > 0 ? '+' : ms < 0 ? '−' : ''}${formatMs(Math.abs(ms))}`);

export function Section(props: { title: string; testId: string; children: preact.ComponentChildren; note?: string }) {
  const id = `${props.testId}-h`;
  return (
    <section class="section" data-testid={props.testId} aria-labelledby={id}>
      <h2 id={id}>
        {props.title}
        {props.note && <span class="muted small"> · {props.note}</span>}
      </h2>
      {props.children}
    </section>
  );
}

export function TraceLists({ bad, baseline }: { bad: TraceRef[]; baseline: TraceRef[] }) {
  const pairs = baselineFor(bad, baseline);
  return (
    <div class="grid-2">
      <Section title={`Bad traces (${bad.length})`} testId="bad-traces">
        {bad.length === 0 ? (
          <p class="muted">No bad trace in the window.</p>
        ) : (
          <Collapsed items={bad} what="bad traces">
            {(shown) => <TraceTable traces={shown} compareWith={pairs} />}
          </Collapsed>
        )}
      </Section>
      <Section title={`Baseline traces (${baseline.length})`} testId="baseline-traces">
        {baseline.length === 0 ? (
          <p class="muted">No baseline trace (nothing healthy to compare with).</p>
        ) : (
          <Collapsed items={baseline} what="baseline traces">
            {(shown) => <TraceTable traces={shown} />}
          </Collapsed>
        )}
      </Section>
    </div>
  );
}

function TraceTable({ traces, compareWith }: { traces: readonly TraceRef[]; compareWith?: Map<string, string | undefined> }) {
  return (
    <table class="table compact">
      <thead>
        <tr>
          <th>Root</th>
          <th class="num">Duration</th>
          <th class="num">Spans</th>
          <th class="num">Errors</th>
          {compareWith && <th />}
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => {
          const base = compareWith?.get(t.traceId);
          return (
            <tr key={t.traceId} data-testid="evidence-trace" data-trace-id={t.traceId}>
              <td>
                <Link href={traceHref(t.traceId)} title={`trace ${t.traceId} at ${formatTimestamp(t.startUnixNano)}`}>
                  <strong>{t.rootService}</strong> {t.rootOperation}
                </Link>
              </td>
              <td class="num">{formatMs(t.durationMs)}</td>
              <td class="num">{t.spans}</td>
              <td class="num">{t.errorSpans > 0 ? <span class="pill pill-error">{t.errorSpans}</span> : '0'}</td>
              {compareWith && (
                <td>
                  {base ? (
                    <Link href={`/compare?a=${t.traceId}&b=${base}`} class="small">
                      compare with baseline
                    </Link>
                  ) : (
                    <span class="muted small">no baseline</span>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function CriticalPathCompare({ ops, baselineAvailable }: { ops: OperationDelta[]; baselineAvailable: boolean }) {
  const max = Math.max(1e-9, ...ops.map((o) => Math.max(o.badMeanMs, o.baselineMeanMs ?? 0)));
  return (
    <Section title="Critical path: bad vs baseline" testId="critical-path-compare" note="mean time on the critical path per operation; red bad, grey baseline">
      {ops.length === 0 ? (
        <p class="muted">No critical-path figures.</p>
      ) : (
        <Collapsed items={ops} what="operations">
          {(shown) => (
            <table class="table compact">
              <thead>
                <tr>
                  <th>Operation</th>
                  <th class="bars-col">Mean (bad / baseline)</th>
                  <th class="num">p50 bad / base</th>
                  <th class="num">Delta</th>
                  <th class="num">Share</th>
                  <th class="num">Errors bad / base</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((o) => (
                  <tr key={`${o.operation.service} ${o.operation.name}`} data-testid="critical-path-op">
                    <td>
                      <strong>{o.operation.service}</strong> {o.operation.name}
                      <div class="muted small">
                        {o.badTraces} bad / {o.baselineTraces} baseline traces
                      </div>
                    </td>
                    <td class="bars-col">
                      <PairBars a={o.badMeanMs} b={baselineAvailable ? o.baselineMeanMs : null} max={max} format={formatMs} aLabel="bad mean" bLabel="baseline mean" />
                    </td>
                    <td class="num">
                      {formatMs(o.badP50Ms)} / {formatMs(o.baselineP50Ms)}
                    </td>
                    <td class={`num ${o.deltaMs != null && o.deltaMs > 0 ? 'error-text' : ''}`}>
                      {signedMs(o.deltaMs)}
                      {o.relativeDelta != null && <div class="muted small">{o.relativeDelta >= 0 ? '+' : ''}{formatPercent(o.relativeDelta)}</div>}
                    </td>
                    <td class="num">{formatPercent(o.badShare)}</td>
                    <td class="num">
                      <span class={o.badErrorRate > 0 ? 'error-text' : undefined}>{formatPercent(o.badErrorRate)}</span> / {formatPercent(o.baselineErrorRate)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Collapsed>
      )}
    </Section>
  );
}

export function AttributeDifferences({ items }: { items: AttributeDifference[] }) {
  return (
    <Section title="Attribute differences" testId="attribute-differences" note="share of bad spans vs baseline spans with the value">
      {items.length === 0 ? (
        <p class="muted">No attribute value singles the bad spans out.</p>
      ) : (
        <Collapsed items={items} what="attributes">
          {(shown) => (
            <table class="table compact">
              <tbody>
                {shown.map(({ service, difference: d }, i) => (
                  <tr key={i} data-testid="attribute-difference">
                    <td>
                      <code>
                        {d.key}={d.value}
                      </code>
                      <div class="muted small">
                        {service}
                        {d.resource ? ' · resource' : ''} · score {d.score.toFixed(2)}
                      </div>
                    </td>
                    <td class="bars-col">
                      <PairBars
                        a={d.badShare}
                        b={d.goodShare}
                        max={1}
                        format={formatPercent}
                        aLabel={`bad: ${d.badCount}/${d.badTotal} spans`}
                        bLabel={`baseline: ${d.goodCount}/${d.goodTotal} spans`}
                      />
                    </td>
                    <td class="num small muted">
                      {d.badCount}/{d.badTotal} vs {d.goodCount}/{d.goodTotal}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Collapsed>
      )}
    </Section>
  );
}

export function ErrorGroups({ groups }: { groups: ErrorGroup[] }) {
  return (
    <Section title="Error groups" testId="error-groups">
      {groups.length === 0 ? (
        <p class="muted">No errors recorded in the bad traces.</p>
      ) : (
        <Collapsed items={groups} what="error groups">
          {(shown) => (
            <ul class="plain-list">
              {shown.map((g, i) => (
                <li key={i} data-testid="error-group">
                  <div>
                    <span class="pill pill-error">{g.count} ×</span> <code>{g.exceptionType}</code> <span class="mono">{g.messageTemplate}</span>
                  </div>
                  <div class="muted small">
                    {g.service} {g.operation} · first {formatTimestamp(g.firstSeenUnixNano)}, last {formatTimestamp(g.lastSeenUnixNano)}
                    {g.examples[0] && (
                      <>
                        {' '}· <Link href={`${traceHref(g.examples[0].traceId)}?span=${g.examples[0].spanId}`}>example trace</Link>
                      </>
                    )}
                  </div>
                  {g.exampleMessage && <div class="small">e.g. {g.exampleMessage}</div>}
                  {g.exampleStacktrace ? (
                    <details>
                      <summary class="small">stack trace</summary>
                      <pre class="stack">{g.exampleStacktrace}</pre>
                    </details>
                  ) : (
                    <div class="muted small">no stack trace recorded</div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Collapsed>
      )}
    </Section>
  );
}

export function LogPatterns({ patterns, baselineAvailable, queries }: { patterns: LogPattern[]; baselineAvailable: boolean; queries: Record<string, string> }) {
  const queryLinks = Object.entries(queries).map(([label, path]) => [label, path.replace(/^\/api\/v1\/logs/, '/logs')] as const);
  return (
    <Section title="Log patterns" testId="log-patterns" note={baselineAvailable ? 'window vs baseline' : 'no baseline to compare with'}>
      {patterns.length === 0 ? (
        <p class="muted">No log pattern in the window.</p>
      ) : (
        <Collapsed items={patterns} what="log patterns">
          {(shown) => (
            <table class="table compact">
              <thead>
                <tr>
                  <th>Pattern</th>
                  <th class="num">Count</th>
                  <th class="num">Baseline</th>
                  <th>Severity</th>
                  <th>Examples</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((p, i) => (
                  <tr key={i} data-testid="log-pattern">
                    <td>
                      <code class="pattern">{p.pattern}</code>{' '}
                      {p.new && <span class="pill pill-error">new</span>}
                      {p.increased && <span class="pill pill-warn">increased{p.ratio != null ? ` ×${p.ratio.toFixed(1)}` : ''}</span>}
                    </td>
                    <td class="num">{p.count}</td>
                    <td class="num">{baselineAvailable ? p.baselineCount : '–'}</td>
                    <td>
                      {Object.entries(p.severities).map(([sev, n]) => (
                        <span key={sev} class={`sev sev-${sev.toLowerCase()}`}>
                          {sev} {n}{' '}
                        </span>
                      ))}
                    </td>
                    <td class="small">
                      {p.exampleTraceIds.slice(0, 2).map((t) => (
                        <span key={t} class="example">
                          <Link href={traceHref(t)} title={t}>trace {t.slice(-6)}</Link> · <Link href={logsHref(t)}>logs</Link>{' '}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Collapsed>
      )}
      {queryLinks.length > 0 && (
        <p class="small">
          Logs:{' '}
          {queryLinks.map(([label, href], i) => (
            <span key={label}>
              {i > 0 && ' · '}
              <Link href={href}>{label}</Link>
            </span>
          ))}
        </p>
      )}
    </Section>
  );
}

export function Dependencies({ deps }: { deps: DependencyTrend[] }) {
  return (
    <Section title="Dependencies: baseline vs now" testId="dependencies" note="red now, grey baseline">
      {deps.length === 0 ? (
        <p class="muted">No dependency figures.</p>
      ) : (
        <Collapsed items={deps} what="dependencies">
          {(shown) => (
            <table class="table compact">
              <thead>
                <tr>
                  <th>Dependency</th>
                  <th class="bars-col">Rate</th>
                  <th class="bars-col">Error ratio</th>
                  <th class="bars-col">p95</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((d, i) => (
                  <tr key={i} data-testid="dependency">
                    <td>
                      {d.caller ? `${d.caller} → ` : ''}
                      <strong>{d.service}</strong>
                    </td>
                    <td class="bars-col">
                      <PairBars a={d.rate} b={d.baselineRate} max={Math.max(d.rate, d.baselineRate ?? 0)} format={formatRate} aLabel="now" bLabel="baseline" />
                    </td>
                    <td class="bars-col">
                      <PairBars a={d.errorRatio} b={d.baselineErrorRatio} max={Math.max(d.errorRatio, d.baselineErrorRatio ?? 0, 0.01)} format={formatPercent} aLabel="now" bLabel="baseline" />
                    </td>
                    <td class="bars-col">
                      <PairBars a={d.p95Ms} b={d.baselineP95Ms} max={Math.max(d.p95Ms ?? 0, d.baselineP95Ms ?? 0)} format={formatMs} aLabel="now" bLabel="baseline" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Collapsed>
      )}
    </Section>
  );
}

interface TimeMark {
  ms: number;
  kind: 'change' | 'alert-fired' | 'opened';
  label: string;
}

/** Version changes, the alert firing and the opening on one time axis, over the shaded window. */
export function ChangesTimeline({ incident }: { incident: Incident }) {
  const changes = incident.evidence?.changes ?? [];
  const marks: TimeMark[] = [
    ...changes.map((c) => ({
      ms: c.firstSeenUnixNano / 1e6,
      kind: 'change' as const,
      label: `${c.service} ${c.version}${c.previousVersions.length ? ` (before: ${c.previousVersions.join(', ')})` : ''}${c.note ? ` — ${c.note}` : ''}`,
    })),
    ...incident.timeline.filter((t) => t.kind === 'alert-fired').map((t) => ({ ms: Date.parse(t.at), kind: 'alert-fired' as const, label: 'alert fired' })),
    { ms: Date.parse(incident.openedAt), kind: 'opened' as const, label: 'incident opened' },
  ].filter((m) => Number.isFinite(m.ms));
  marks.sort((a, b) => a.ms - b.ms);
  const wStart = Date.parse(incident.window.start);
  const wEnd = Date.parse(incident.window.end);
  const times = [...marks.map((m) => m.ms), wStart, wEnd].filter(Number.isFinite);
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const span = Math.max(hi - lo, 60_000);
  const W = 600;
  const PAD = 12;
  const x = (ms: number) => PAD + ((ms - lo) / span) * (W - 2 * PAD);
  const H = 26 + marks.length * 14;
  const hhmm = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (
    <Section title="Changes and the burn" testId="changes-timeline" note="shaded: the incident window">
      <svg class="changes-svg" viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="changes, alert and opening on a time axis">
        {Number.isFinite(wStart) && Number.isFinite(wEnd) && <rect class="burn-window" x={x(wStart)} y={0} width={Math.max(1, x(wEnd) - x(wStart))} height={H - 14} />}
        <line class="axis" x1={PAD} x2={W - PAD} y1={H - 14} y2={H - 14} />
        <text class="tick" x={PAD} y={H - 2}>{hhmm(lo)}</text>
        <text class="tick" x={W - PAD} y={H - 2} text-anchor="end">{hhmm(lo + span)}</text>
        {marks.map((m, i) => {
          const mx = x(m.ms);
          const right = mx > W / 2;
          return (
            <g key={i} class={`tl-mark tl-${m.kind}`}>
              <line x1={mx} x2={mx} y1={i * 14 + 6} y2={H - 14} />
              <circle cx={mx} cy={i * 14 + 6} r={3.5} />
              <text x={right ? mx - 6 : mx + 6} y={i * 14 + 10} text-anchor={right ? 'end' : 'start'}>
                {m.label}
              </text>
            </g>
          );
        })}
      </svg>
      <ul class="plain-list small">
        {marks.map((m, i) => (
          <li key={i} data-kind={m.kind}>
            <span class="mono">{formatTimestamp(m.ms * 1e6)}</span> <span class={`pill tl-pill-${m.kind}`}>{m.kind}</span> {m.label}
          </li>
        ))}
      </ul>
    </Section>
  );
}
