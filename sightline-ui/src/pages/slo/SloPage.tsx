import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import {
  sloApi,
  SLO_PATHS,
  type BurnRatePoint,
  type IncidentEntry,
  type Slo,
  type SloAlert,
  type SloAnswer,
  type SloListAnswer,
  type SloObjective,
  type SloRule,
} from '../../api/slos';
import { api } from '../../api/sightline';
import { Chart, type SeriesSpec } from '../../components/Chart';
import { Link } from '../../components/Link';
import { BudgetBar, BurnRates, Since, StaleNote, StatePill } from '../../components/SloParts';
import { Empty, ErrorBox, Loaded, Loading } from '../../components/States';
import { usePage, useRange } from '../../lib/pageContext';
import { linkWithRange, navigate, withParams } from '../../lib/router';
import {
  burndown,
  formatBudgetAxis,
  formatBurnRate,
  formatSli,
  incidentOfAlert,
  ruleChartData,
  seriesStep,
  sliChartData,
  sloAnnotations,
  windowMs,
  withDependencies,
  type Annotation,
} from '../../lib/slo';
import { useApi } from '../../lib/useApi';
import { useNow } from '../../lib/useNow';
import { usePoll } from '../../lib/usePoll';
import { Problems } from './SloList';

/** The range this page shows when the URL names none. */
const DEFAULT_START = 'now-6h';

/**
 * `/slos/{name}?start=&end=`: the SLO's header, a burn-rate chart per rule (long and short window
 * against the threshold), its SLI over time, the error-budget burndown over the SLO window, alerts
 * and deployments of its service as markers on every chart, and its spec with its problems.
 */
export function SloPage({ name }: { name: string }) {
  const { location } = usePage();
  const hasStart = location.params.has('start');
  useEffect(() => {
    if (hasStart) return undefined;
    // after this commit: the shell starts listening to navigations in its own effect, run after ours
    const timer = setTimeout(() => navigate(withParams({ start: DEFAULT_START }), true), 0);
    return () => clearTimeout(timer);
  }, [hasStart]);
  const { resolved } = useRange();
  // the step depends on the longest window (see seriesStep): known from the list
  const list = usePoll<SloListAnswer>(SLO_PATHS.slos);
  const longest = longestWindowMs(list.data?.slos.find((s) => s.name === name));
  const ready = hasStart && (list.data !== undefined || list.error !== undefined);
  const step = seriesStep(resolved.endMs - resolved.startMs, 360, longest);
  const poll = usePoll<SloAnswer>(ready ? SLO_PATHS.slo(name) : null, { start: resolved.startMs, end: resolved.endMs, step });
  // a new range restarts the poll: keep showing the last answer meanwhile
  const last = useRef<SloAnswer | undefined>(undefined);
  if (poll.data) last.current = poll.data;
  const shown = { data: poll.data ?? (poll.error ? undefined : last.current), error: poll.error, loading: poll.loading };
  return (
    <>
      <StaleNote error={poll.staleError} />
      <Loaded state={shown} what={`SLO ${name}`}>
        {(d) => <SloView answer={d} list={list.data} />}
      </Loaded>
    </>
  );
}

/** The longest window the series of an SLO reads (its SLO window or a rule's), 30 days unknown. */
function longestWindowMs(slo: Slo | undefined): number {
  if (!slo) return 30 * 86_400_000;
  const labels = [slo.timeWindow, ...slo.objectives.flatMap((o) => Object.keys(o.burnRates ?? {}))];
  return Math.max(...labels.map((l) => windowMs(l) ?? 0));
}

function SloView({ answer, list }: { answer: SloAnswer; list: SloListAnswer | undefined }) {
  const { location, tick } = usePage();
  const { resolved, key } = useRange();
  const slo = answer.slo;
  const now = useNow(15_000);
  const alerts = usePoll<{ alerts: SloAlert[] }>(SLO_PATHS.alerts, { slo: slo.name });
  const incidents = usePoll<{ incidents: IncidentEntry[] }>(SLO_PATHS.incidents);
  const sloWindowMs = windowMs(slo.timeWindow);
  const burndownRange = sloWindowMs == null ? null : { start: resolved.endMs - sloWindowMs, end: resolved.endMs };
  const budget = useApi(
    (s) =>
      burndownRange == null || answer.burnRateSeries.unsupported
        ? Promise.resolve(null)
        : sloApi.slo(slo.name, { ...burndownRange, step: seriesStep(sloWindowMs!, 720, sloWindowMs!), windows: slo.timeWindow }, s),
    [slo.name, slo.timeWindow, key, tick],
  );
  const versionsFrom = Math.min(resolved.startMs, burndownRange?.start ?? resolved.startMs);
  // deployments of the SLO's service and of the services it calls (by the service map of the range)
  const versions = useApi(
    async (s) => {
      const map = await api.serviceMap(resolved, s).catch(() => ({ edges: [] }));
      const services = withDependencies(slo.service, map.edges);
      return Promise.all(
        services.map(async (service) => ({
          service,
          versions: (await sloApi.serviceVersions(service, { start: versionsFrom, end: resolved.endMs }, s)).versions,
        })),
      );
    },
    [slo.service, versionsFrom, key, tick],
  );
  const annotations = useMemo(() => sloAnnotations(alerts.data?.alerts ?? [], versions.data ?? []), [alerts.data, versions.data]);
  const problems = (list?.problems ?? []).filter((p) => p.file === slo.source);
  const xRange: [number, number] = [resolved.startMs / 1000, resolved.endMs / 1000];
  return (
    <>
      <Header slo={slo} incidents={incidents.data?.incidents} />
      {slo.status === 'unsupported' && (
        <div class="state state-error" role="alert">
          This SLO cannot be evaluated: {slo.reason ?? answer.burnRateSeries.unsupported}. It never alerts.
        </div>
      )}
      {slo.status === 'pending' && <p class="muted">Not evaluated yet: the first evaluation fills in the SLI, budget and rules.</p>}
      {(alerts.error || versions.error) && (
        <p class="muted" role="status">
          Markers incomplete: {alerts.error ?? versions.error}
        </p>
      )}
      {slo.objectives.map((objective, i) => (
        <ObjectiveSection
          key={i}
          slo={slo}
          objective={objective}
          windows={answer.burnRateSeries.objectives[i]?.windows ?? {}}
          annotations={annotations}
          xRange={xRange}
          burndown={budget.data?.burnRateSeries.objectives[i]?.windows[slo.timeWindow] ?? null}
          burndownState={budget}
          burndownRange={burndownRange}
        />
      ))}
      <div class="section">
        <h2>
          Alerts of this SLO{' '}
          <Link href={linkWithRange('/alerts', location.params, { slo: slo.name })} class="muted">
            (all)
          </Link>
        </h2>
        {alerts.error ? (
          <ErrorBox message={alerts.error} />
        ) : !alerts.data ? (
          <Loading what="alerts" />
        ) : alerts.data.alerts.length === 0 ? (
          <p class="muted">No alert fired in the last 7 days.</p>
        ) : (
          <ul class="trace-list">
            {alerts.data.alerts.slice(0, 10).map((a) => (
              <li key={a.id}>
                <StatePill state={a.state} /> rule {a.rule} ({a.ruleSeverity}) fired <Since at={a.since} now={now} />
                {a.resolvedAt && (
                  <>
                    , resolved <Since at={a.resolvedAt} now={now} />
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      <Problems problems={problems} title={`Problems of ${slo.source ?? 'its spec'}`} />
      <div class="section">
        <h2>
          Spec <span class="muted">{slo.source}</span>
        </h2>
        {answer.spec ? (
          <pre class="spec" data-testid="slo-spec">
            {answer.spec}
          </pre>
        ) : (
          <p class="muted">This server does not return the spec text.</p>
        )}
      </div>
    </>
  );
}

function Header({ slo, incidents }: { slo: Slo; incidents: IncidentEntry[] | undefined }) {
  const { location } = usePage();
  const now = useNow(15_000);
  const item = (label: string, value: ComponentChildren) => (
    <div>
      <dt>{label}</dt>
      <dd>{value ?? <span class="muted">–</span>}</dd>
    </div>
  );
  const firing = slo.objectives.filter((o) => o.alertState === 'firing');
  const targets = slo.objectives.map((o) => formatSli(o.target)).join(', ');
  return (
    <>
      {slo.description && <p>{slo.description}</p>}
      <dl class="slo-header" data-testid="slo-header">
        {item('Service', <Link href={linkWithRange(`/services/${encodeURIComponent(slo.service)}`, location.params)}>{slo.service}</Link>)}
        {item('Target', targets)}
        {item('Window', `${slo.timeWindow} rolling`)}
        {item('Owner', slo.owner)}
        {item(
          'Runbook',
          slo.runbook ? (
            <a href={slo.runbook} target="_blank" rel="noreferrer">
              {slo.runbook}
            </a>
          ) : null,
        )}
        {item('Severity', slo.severity)}
        {item('Respond within', slo.respondWithin)}
        {item(
          'Alert',
          slo.status === 'unsupported' ? (
            <StatePill state="unsupported" />
          ) : firing.length === 0 ? (
            <StatePill state={slo.status === 'pending' ? 'pending' : 'ok'} />
          ) : (
            <span data-testid="slo-alert-state">
              {firing.map((o, i) => {
                const incident = incidentOfAlert(incidents, o.alertId);
                return (
                  <span key={i}>
                    <Link href={linkWithRange('/alerts', location.params, { slo: slo.name })} title={`alert ${o.alertId ?? ''}`}>
                      <StatePill state="firing" />
                    </Link>{' '}
                    {incident && <Link href={linkWithRange(`/incidents/${encodeURIComponent(incident.id)}`, location.params)}>incident {incident.id}</Link>}
                  </span>
                );
              })}
            </span>
          ),
        )}
        {item('Evaluated', slo.evaluatedAt ? <Since at={slo.evaluatedAt} now={now} /> : slo.status)}
      </dl>
    </>
  );
}

function ObjectiveSection(props: {
  slo: Slo;
  objective: SloObjective;
  windows: Record<string, BurnRatePoint[]>;
  annotations: Annotation[];
  xRange: [number, number];
  burndown: BurnRatePoint[] | null;
  burndownState: { error?: string; loading: boolean; data?: unknown };
  burndownRange: { start: number; end: number } | null;
}) {
  const { slo, objective, windows } = props;
  const labels = Object.keys(windows).sort((a, b) => (windowMs(a) ?? 0) - (windowMs(b) ?? 0));
  const shortest = labels[0];
  const sli = useMemo(
    () => (shortest ? sliChartData(windows[shortest]!, windows[slo.timeWindow] ?? [], objective.target) : null),
    [windows, shortest, slo.timeWindow, objective.target],
  );
  const sliSeries = useMemo<SeriesSpec[]>(
    () => [
      { label: `SLI over ${shortest ?? ''}`, color: 'var(--series-0)' },
      { label: `SLI over ${slo.timeWindow}`, color: 'var(--series-3)' },
      { label: `target ${formatSli(objective.target)}`, color: 'var(--error)', dash: [6, 4] },
    ],
    [shortest, slo.timeWindow, objective.target],
  );
  const budgetData = useMemo(() => (props.burndown ? burndown(props.burndown) : null), [props.burndown]);
  const budgetSeries = useMemo<SeriesSpec[]>(
    () => [
      { label: 'budget remaining', color: 'var(--series-2)' },
      { label: 'exhausted', color: 'var(--error)', dash: [6, 4] },
    ],
    [],
  );
  const title = objective.displayName ?? `objective ${formatSli(objective.target)}`;
  return (
    <div class="section" data-testid="slo-objective">
      <h2>
        {title} <span class="muted">target {formatSli(objective.target)}</span>
      </h2>
      <p>
        SLI <strong>{formatSli(objective.sli)}</strong> over {slo.timeWindow} · budget <BudgetBar remaining={objective.budgetRemaining} /> ·{' '}
        <BurnRates rates={objective.burnRates} rules={objective.rules} />
      </p>
      {objective.rules && objective.rules.length > 0 ? (
        <div class="grid-2">
          {objective.rules.map((rule) => (
            <RuleChart key={rule.name} rule={rule} windows={windows} annotations={props.annotations} xRange={props.xRange} />
          ))}
        </div>
      ) : (
        slo.status !== 'unsupported' && <p class="muted">The burn-rate charts of its rules appear after the first evaluation.</p>
      )}
      <div class="grid-2">
        {sli && sli[0].length > 0 ? (
          <Chart
            testId="sli-chart"
            title="SLI over time"
            data={sli as uPlot.AlignedData}
            series={sliSeries}
            yFormat={formatSli}
            height={180}
            xRange={props.xRange}
            annotations={props.annotations}
          />
        ) : (
          slo.status === 'evaluated' && <Empty>No SLI points in this range.</Empty>
        )}
        <div data-testid="burndown-chart">
          {props.burndownState.error ? (
            <ErrorBox message={props.burndownState.error} />
          ) : budgetData ? (
            <Chart
              title={`Error budget remaining over the last ${slo.timeWindow}`}
              data={budgetData as uPlot.AlignedData}
              series={budgetSeries}
              yFormat={formatBudgetAxis}
              height={180}
              xRange={props.burndownRange ? [props.burndownRange.start / 1000, props.burndownRange.end / 1000] : undefined}
              annotations={props.annotations}
            />
          ) : props.burndownState.loading ? (
            <Loading what="the budget burndown" />
          ) : null}
        </div>
      </div>
    </div>
  );
}

function RuleChart(props: {
  rule: SloRule;
  windows: Record<string, BurnRatePoint[]>;
  annotations: Annotation[];
  xRange: [number, number];
}) {
  const { rule, windows } = props;
  const data = useMemo(() => ruleChartData(windows, rule), [windows, rule.longWindow, rule.shortWindow, rule.threshold]);
  const series = useMemo<SeriesSpec[]>(
    () => [
      { label: `long window ${rule.longWindow}`, color: 'var(--series-0)' },
      { label: `short window ${rule.shortWindow}`, color: 'var(--series-2)' },
      { label: `threshold ${formatBurnRate(rule.threshold)}`, color: 'var(--error)', dash: [6, 4] },
    ],
    [rule.longWindow, rule.shortWindow, rule.threshold],
  );
  const state = rule.fires ? 'firing' : rule.warmingUp ? 'warming up' : !rule.enoughTraffic ? 'too few events' : 'ok';
  return (
    <div data-testid="burn-rate-chart" data-rule={rule.name} data-fires={rule.fires ? 'true' : 'false'}>
      <Chart
        title={`${rule.name} (${rule.severity}): fires when both windows burn ≥ ${formatBurnRate(rule.threshold)} · now ${formatBurnRate(rule.longBurnRate)} / ${formatBurnRate(rule.shortBurnRate)} · ${state}`}
        data={data as uPlot.AlignedData}
        series={series}
        yFormat={formatBurnRate}
        height={180}
        xRange={props.xRange}
        annotations={props.annotations}
      />
    </div>
  );
}
