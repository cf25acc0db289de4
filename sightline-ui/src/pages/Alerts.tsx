import { SLO_PATHS, type IncidentEntry, type SloAlert } from '../api/slos';
import { Link } from '../components/Link';
import { BudgetBar, BurnRates, Countdown, Since, StaleNote, StatePill } from '../components/SloParts';
import { Empty, Loaded } from '../components/States';
import { Table, type Column } from '../components/Table';
import { usePage } from '../lib/pageContext';
import { linkWithRange, navigate, withParams } from '../lib/router';
import { incidentOfAlert, parseTime } from '../lib/slo';
import { useNow } from '../lib/useNow';
import { usePoll } from '../lib/usePoll';

/**
 * `/alerts?slo=`: firing alerts (oldest first) and those resolved in the last 7 days (newest
 * first), live, each with its rule, burn rates, budget, respond-by and links to its SLO and incident.
 */
export function Alerts() {
  const { location } = usePage();
  const slo = location.params.get('slo') ?? '';
  const alerts = usePoll<{ alerts: SloAlert[] }>(SLO_PATHS.alerts, { slo: slo || undefined });
  const incidents = usePoll<{ incidents: IncidentEntry[] }>(SLO_PATHS.incidents);
  return (
    <>
      {slo && (
        <p>
          Alerts of SLO <strong>{slo}</strong> ·{' '}
          <button type="button" class="link-btn" onClick={() => navigate(withParams({ slo: null }, location))}>
            all alerts
          </button>
        </p>
      )}
      <StaleNote error={alerts.staleError} />
      <Loaded state={alerts} what="alerts">
        {(d) =>
          d.alerts.length === 0 ? (
            <Empty>
              No alert is firing and none resolved in the last 7 days{slo ? ` for ${slo}` : ''}. Alerts fire when an{' '}
              <Link href={linkWithRange('/slos', location.params)}>SLO</Link> burns its error budget too fast.
            </Empty>
          ) : (
            <AlertSections alerts={d.alerts} incidents={incidents.data?.incidents} />
          )
        }
      </Loaded>
    </>
  );
}

function AlertSections({ alerts, incidents }: { alerts: SloAlert[]; incidents: IncidentEntry[] | undefined }) {
  const { location } = usePage();
  const now = useNow();
  const firing = alerts.filter((a) => a.state === 'firing');
  const resolved = alerts.filter((a) => a.state === 'resolved');
  const columns: Column<SloAlert>[] = [
    { key: 'state', label: 'State', render: (a) => <StatePill state={a.state} />, sort: (a) => a.state },
    {
      key: 'slo',
      label: 'SLO',
      render: (a) => (
        <>
          <Link href={linkWithRange(`/slos/${encodeURIComponent(a.slo)}`, location.params)}>{a.slo}</Link>
          <div class="muted">
            {a.service}
            {a.objective ? ` · ${a.objective}` : ''}
          </div>
        </>
      ),
      sort: (a) => a.slo,
    },
    { key: 'severity', label: 'Severity', render: (a) => <strong>{a.severity}</strong>, sort: (a) => a.severity },
    {
      key: 'rule',
      label: 'Rule',
      render: (a) => (
        <>
          {a.rule} <span class="muted">({a.ruleSeverity})</span>
        </>
      ),
      sort: (a) => a.rule,
    },
    {
      key: 'since',
      label: 'Since',
      render: (a) => (
        <>
          <Since at={a.since} now={now} />
          {a.resolvedAt && (
            <div class="muted">
              resolved <Since at={a.resolvedAt} now={now} />
              {a.resolvedReason ? ` (${a.resolvedReason})` : ''}
            </div>
          )}
        </>
      ),
      sort: (a) => parseTime(a.since),
    },
    {
      key: 'burn',
      label: 'Burn rates',
      render: (a) => (
        <span title="when it fired or last escalated">
          <BurnRates rates={a.state === 'firing' ? a.currentBurnRates : a.burnRates} />
        </span>
      ),
    },
    {
      key: 'budget',
      label: 'Budget',
      render: (a) => <BudgetBar remaining={a.state === 'firing' ? a.currentBudgetRemaining : a.budgetRemaining} />,
      sort: (a) => (a.state === 'firing' ? a.currentBudgetRemaining : a.budgetRemaining) ?? 2,
    },
    {
      key: 'respond',
      label: 'Respond by',
      render: (a) => (a.state === 'firing' ? <Countdown deadline={a.respondBy} now={now} /> : <span class="muted">–</span>),
      sort: (a) => parseTime(a.respondBy),
    },
    {
      key: 'incident',
      label: 'Incident',
      render: (a) => {
        const incident = incidentOfAlert(incidents, a.id);
        return incident ? (
          <Link href={linkWithRange(`/incidents/${encodeURIComponent(incident.id)}`, location.params)} title={`${incident.status}, ${incident.severity}`}>
            {incident.id}
          </Link>
        ) : (
          <span class="muted">{incidents ? 'none' : '…'}</span>
        );
      },
    },
    {
      key: 'runbook',
      label: '',
      render: (a) =>
        a.runbook ? (
          <a href={a.runbook} target="_blank" rel="noreferrer" title={a.owner ? `owner ${a.owner}` : undefined}>
            runbook
          </a>
        ) : null,
    },
  ];
  const attrs = (a: SloAlert) => ({ 'data-testid': 'alert-row', 'data-state': a.state, 'data-slo': a.slo, 'data-alert': a.id });
  // one table, firing first (the API's order: firing oldest first, then resolved newest first)
  return (
    <>
      <p class="muted">
        {firing.length} firing · {resolved.length} resolved in the last 7 days
      </p>
      <Table testId="alerts" columns={columns} rows={[...firing, ...resolved]} rowKey={(a) => a.id} rowAttrs={attrs} />
    </>
  );
}
