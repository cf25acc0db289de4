import { SLO_PATHS, type IncidentEntry, type SloListAnswer, type SloProblem } from '../../api/slos';
import { Link } from '../../components/Link';
import { BudgetBar, BurnRates, StaleNote, StatePill } from '../../components/SloParts';
import { Empty, Loaded } from '../../components/States';
import { Table, type Column } from '../../components/Table';
import { usePage } from '../../lib/pageContext';
import { linkWithRange, navigate, withParams } from '../../lib/router';
import {
  distinctServices,
  filterSloRows,
  formatSli,
  incidentOfAlert,
  SLO_ROW_STATES,
  sloRows,
  sortSloRows,
  type SloRow,
} from '../../lib/slo';
import { usePoll } from '../../lib/usePoll';

/** `/slos?service=&state=`: every SLO objective, live, with its budget, burn rates and alert. */
export function SloList() {
  const list = usePoll<SloListAnswer>(SLO_PATHS.slos);
  const incidents = usePoll<{ incidents: IncidentEntry[] }>(SLO_PATHS.incidents);
  return (
    <>
      <StaleNote error={list.staleError} />
      <Loaded state={list} what="SLOs">
        {(d) => <SloTable answer={d} incidents={incidents.data?.incidents} />}
      </Loaded>
    </>
  );
}

function SloTable({ answer, incidents }: { answer: SloListAnswer; incidents: IncidentEntry[] | undefined }) {
  const { location } = usePage();
  const service = location.params.get('service') ?? '';
  const state = location.params.get('state') ?? '';
  const all = sloRows(answer);
  const rows = sortSloRows(filterSloRows(all, { service, state }));
  const services = distinctServices(answer.slos);
  const sloHref = (name: string) => linkWithRange(`/slos/${encodeURIComponent(name)}`, location.params);
  const columns: Column<SloRow>[] = [
    {
      key: 'name',
      label: 'SLO',
      render: (r) => (
        <>
          <Link href={sloHref(r.slo.name)}>{r.slo.displayName ?? r.slo.name}</Link>
          {r.objective.displayName && <div class="muted">{r.objective.displayName}</div>}
        </>
      ),
      sort: (r) => r.slo.name,
    },
    { key: 'service', label: 'Service', render: (r) => r.slo.service, sort: (r) => r.slo.service },
    {
      key: 'sli',
      label: 'SLI',
      numeric: true,
      render: (r) => (
        <span
          class={r.objective.sli != null && r.objective.sli < r.objective.target ? 'error-text' : undefined}
          title={r.objective.total != null ? `${r.objective.good} good of ${r.objective.total} over ${r.slo.timeWindow}` : undefined}
        >
          {formatSli(r.objective.sli)}
        </span>
      ),
      sort: (r) => r.objective.sli ?? -1,
    },
    { key: 'target', label: 'Target', numeric: true, render: (r) => formatSli(r.objective.target), sort: (r) => r.objective.target },
    { key: 'window', label: 'Window', render: (r) => r.slo.timeWindow },
    {
      key: 'budget',
      label: 'Error budget',
      render: (r) => <BudgetBar remaining={r.objective.budgetRemaining} />,
      sort: (r) => r.objective.budgetRemaining ?? 2,
    },
    { key: 'burn', label: 'Burn rate', render: (r) => <BurnRates rates={r.objective.burnRates} rules={r.objective.rules} /> },
    {
      key: 'state',
      label: 'Alert',
      render: (r) => <AlertCell row={r} incidents={incidents} />,
      sort: (r) => SLO_ROW_STATES.indexOf(r.state),
    },
  ];
  const setFilter = (key: string, value: string) => navigate(withParams({ [key]: value || null }, location));
  return (
    <>
      {answer.slos.length === 0 ? (
        <NoSlos />
      ) : (
        <>
          <form class="form" onSubmit={(e) => e.preventDefault()} aria-label="Filter SLOs">
            <label>
              Service
              <select value={service} onChange={(e) => setFilter('service', e.currentTarget.value)} data-testid="slo-service-filter">
                <option value="">all</option>
                {services.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
                {service && !services.includes(service) && <option value={service}>{service}</option>}
              </select>
            </label>
            <label>
              State
              <select value={state} onChange={(e) => setFilter('state', e.currentTarget.value)} data-testid="slo-state-filter">
                <option value="">any</option>
                {SLO_ROW_STATES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <span class="muted">
              {rows.length} of {all.length} objectives
              {answer.evaluatedAt && ` · evaluated ${new Date(answer.evaluatedAt).toLocaleTimeString()}`}
            </span>
          </form>
          {rows.length === 0 ? (
            <Empty>
              No SLO objective matches these filters.{' '}
              <button type="button" class="link-btn" onClick={() => navigate(withParams({ service: null, state: null }, location), true)}>
                Show all
              </button>
            </Empty>
          ) : (
            <Table
              testId="slos"
              columns={columns}
              rows={rows}
              rowKey={(r) => r.key}
              rowAttrs={(r) => ({ 'data-testid': 'slo-row', 'data-slo': r.slo.name, 'data-state': r.state })}
            />
          )}
        </>
      )}
      <Problems problems={answer.problems} />
    </>
  );
}

function AlertCell({ row, incidents }: { row: SloRow; incidents: IncidentEntry[] | undefined }) {
  const { location } = usePage();
  if (row.state === 'unsupported') {
    return (
      <span title={row.slo.reason}>
        <StatePill state="unsupported" />
      </span>
    );
  }
  if (row.state !== 'firing') {
    return <StatePill state={row.state} />;
  }
  const incident = incidentOfAlert(incidents, row.objective.alertId);
  return (
    <span>
      <Link href={linkWithRange('/alerts', location.params, { slo: row.slo.name })} title={`alert ${row.objective.alertId ?? ''}`}>
        <StatePill state="firing" />
      </Link>{' '}
      {incident && (
        <Link href={linkWithRange(`/incidents/${encodeURIComponent(incident.id)}`, location.params)} title={`incident ${incident.id} (${incident.status})`}>
          incident
        </Link>
      )}
    </span>
  );
}

function NoSlos() {
  return (
    <Empty>
      No SLOs yet. Add OpenSLO files to the folder given with <code>--slo-dir</code> (read again on change), or send one
      with <code>POST /api/v1/slos</code> (<code>curl -X POST --data-binary @slo.yaml http://HOST:8420/api/v1/slos</code>). What
      a spec holds, how it is evaluated and how to check one first (<code>sightline slo lint DIR</code>): <code>docs/slo.md</code> in
      the Sightline distribution (<code>docs/api.md</code> for the API).
    </Empty>
  );
}

/** The problems of the specs as last read, `file:line` first. */
export function Problems({ problems, title = 'Spec problems' }: { problems: SloProblem[]; title?: string }) {
  if (problems.length === 0) return null;
  return (
    <div class="section" data-testid="slo-problems">
      <h2 class="error-text">
        {title} ({problems.length})
      </h2>
      <ul class="problems">
        {problems.map((p, i) => (
          <li key={i}>
            <code>
              {p.file}:{p.line}
            </code>{' '}
            <span class="muted">{p.field}</span> {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
