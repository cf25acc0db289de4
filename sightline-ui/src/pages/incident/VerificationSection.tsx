import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { incidentApi, type Incident } from '../../api/incidents';
import { Chart, type SeriesSpec } from '../../components/Chart';
import { Ago } from '../../components/IncidentBits';
import { sliSeries } from '../../lib/incident';
import { useApi } from '../../lib/useApi';

// from 1m: the API also counts the slots of the SLO window (a 30d window at 10s is over its limit)
const STEPS: [string, number][] = [
  ['1m', 60],
  ['5m', 300],
  ['15m', 900],
  ['1h', 3600],
  ['6h', 21600],
];
const MAX_POINTS = 400;
const SERIES: SeriesSpec[] = [
  { label: 'SLI (shortest burn window)', color: 'var(--series-0)' },
  { label: 'objective', color: 'var(--ok)' },
];

const fixed = (v: number | null) => (v == null ? '–' : v.toFixed(4));

/** The chart's range: from a little before the window to two hours after the fix (or now). */
export function sliRange(incident: Incident, nowMs: number): { start: number; end: number; step: string } {
  const start = Date.parse(incident.window.start) - 15 * 60_000;
  const anchor = Date.parse(incident.verification.from ?? incident.openedAt);
  const end = Math.max(start + 20 * 60_000, Math.min(nowMs, (Number.isFinite(anchor) ? anchor : nowMs) + 2 * 3_600_000));
  const seconds = (end - start) / 1000;
  const step = STEPS.find(([, s]) => seconds / s <= MAX_POINTS) ?? STEPS[STEPS.length - 1]!;
  return { start, end, step: step[0] };
}

/** Whether the fix held: status, trigger, SLI after vs objective vs baseline, and the SLI around it. */
export function VerificationSection({ incident }: { incident: Incident }) {
  const v = incident.verification;
  const range = useMemo(() => sliRange(incident, Date.now()), [incident.id, incident.window.start, v.from]);
  return (
    <section class="section" data-testid="verification" aria-labelledby="verification-h">
      <h2 id="verification-h">Verification</h2>
      <div class="cards">
        <div class={`card ${v.status === 'regressed' ? 'bad' : ''}`}>
          <div class="muted small">status</div>
          <div class="value" data-testid="verification-status">{v.status}</div>
        </div>
        <div class="card">
          <div class="muted small">trigger</div>
          <div>{v.trigger ?? <span class="muted">none yet</span>}</div>
          {v.from && (
            <div class="muted small">
              from <Ago at={v.from} />
            </div>
          )}
        </div>
        <div class={`card ${v.sliAfter != null && v.sliAfter < v.objective ? 'bad' : ''}`}>
          <div class="muted small">SLI after / objective / baseline</div>
          <div class="value mono">
            {fixed(v.sliAfter)} <span class="muted">/ {fixed(v.objective)} / {fixed(v.sliBaseline)}</span>
          </div>
          <div class="muted small">{v.eventsAfter} events after{v.checkedAt ? ', checked ' : ''}{v.checkedAt && <Ago at={v.checkedAt} />}</div>
        </div>
      </div>
      <p>{v.detail}</p>
      <SliChart slo={incident.slo} objective={v.objective} range={range} />
    </section>
  );
}

function SliChart({ slo, objective, range }: { slo: string; objective: number; range: { start: number; end: number; step: string } }) {
  const state = useApi((s) => incidentApi.slo(slo, range, s), [slo, range.start, range.end, range.step]);
  const data = useMemo((): uPlot.AlignedData | null => {
    const windows = state.data?.burnRateSeries.objectives[0]?.windows;
    if (!windows) return null;
    // the shortest window: its good/total is the SLI of the last few minutes at each point
    const shortest = Object.keys(windows).sort((a, b) => seconds(a) - seconds(b))[0];
    const points = shortest ? sliSeries(windows[shortest] ?? []) : [];
    if (points.every((p) => p.sli == null)) return null;
    return [points.map((p) => p.t), points.map((p) => p.sli), points.map(() => objective)];
  }, [state.data, objective]);
  if (state.loading && !state.data) return <p class="muted small">Loading the SLI…</p>;
  if (state.error) return <p class="muted small">No SLI chart: {state.error} The figures above are the verification's own.</p>;
  if (state.data?.burnRateSeries.unsupported) return <p class="muted small">No SLI chart: {state.data.burnRateSeries.unsupported}</p>;
  if (!data) return <p class="muted small">No SLI chart: the SLO has no events in this range. The figures above are the verification's own.</p>;
  return <Chart data={data} series={SERIES} height={160} title="SLI over time (good / total per shortest burn-rate window)" yFormat={(x) => x.toFixed(3)} testId="sli-chart" />;
}

/** `5m`, `1h`, `30d` in seconds (unknown units sort last). */
function seconds(label: string): number {
  const m = /^(\d+)([smhdw])$/.exec(label);
  if (!m) return Infinity;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
}
