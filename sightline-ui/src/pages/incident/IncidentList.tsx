import { useEffect, useState } from 'preact/hooks';
import { INCIDENT_STATUSES, SEVERITIES, incidentPaths, type IncidentListEntry } from '../../api/incidents';
import { Ago, RespondBy, SeverityBadge, StatusBadge } from '../../components/IncidentBits';
import { Link } from '../../components/Link';
import { Empty, ErrorBox, Loading } from '../../components/States';
import { investigationState } from '../../lib/incident';
import { usePage } from '../../lib/pageContext';
import { navigate, withParams } from '../../lib/router';
import { usePoll } from '../../lib/usePoll';

/** `/incidents?status=&severity=`: every incident, newest first, live. */
export function IncidentList() {
  const { location } = usePage();
  const status = location.params.get('status') ?? '';
  const severity = location.params.get('severity') ?? '';
  // a server without the severity filter answers 400 naming it: then filter here only
  const [serverSeverity, setServerSeverity] = useState(true);
  const poll = usePoll<{ incidents: IncidentListEntry[] }>(incidentPaths.list, {
    status: status || undefined,
    severity: serverSeverity ? severity || undefined : undefined,
  });
  const severityRefused = poll.error !== undefined && serverSeverity && severity !== '' && /severity/i.test(poll.error);
  useEffect(() => {
    if (severityRefused) setServerSeverity(false);
  }, [severityRefused]);
  const set = (key: string) => (e: Event) => navigate(withParams({ [key]: (e.currentTarget as HTMLSelectElement).value }, location));
  const incidents = (poll.data?.incidents ?? [])
    .filter((i) => !severity || i.severity === severity)
    .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
  return (
    <>
      <form class="form" aria-label="Incident filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select name="status" value={status} onChange={set('status')} data-testid="incident-status-filter">
            <option value="">any</option>
            {INCIDENT_STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity" value={severity} onChange={set('severity')} data-testid="incident-severity-filter">
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <span class="muted live-note">live: updates every few seconds</span>
      </form>
      {poll.staleError && <p class="error-text" role="status">Not updating: {poll.staleError}</p>}
      {poll.error && !severityRefused ? (
        <ErrorBox message={poll.error} />
      ) : poll.data === undefined ? (
        <Loading what="incidents" />
      ) : incidents.length === 0 ? (
        <Empty>
          {status || severity ? 'No incident matches these filters. ' : ''}
          No incidents: an incident opens by itself when an SLO alert fires. See the <Link href="/slos">SLOs</Link>.
        </Empty>
      ) : (
        <IncidentTable incidents={incidents} />
      )}
    </>
  );
}

function IncidentTable({ incidents }: { incidents: IncidentListEntry[] }) {
  return (
    <table class="table incidents" data-testid="incidents">
      <thead>
        <tr>
          <th>Incident</th>
          <th>Severity</th>
          <th>Status</th>
          <th>Fix</th>
          <th>Owner</th>
          <th>Opened</th>
          <th>Respond by</th>
          <th>Root cause</th>
        </tr>
      </thead>
      <tbody>
        {incidents.map((i) => (
          <tr key={i.id} data-testid="incident-row" data-id={i.id} data-status={i.status}>
            <td>
              <Link href={`/incidents/${encodeURIComponent(i.id)}`}>
                <strong>{i.slo}</strong>
              </Link>
              <div class="muted mono">{i.id}</div>
            </td>
            <td><SeverityBadge severity={i.severity} /></td>
            <td><StatusBadge status={i.status} /></td>
            <td data-testid="incident-verification">
              <FixBadge verification={i.verification} />
            </td>
            <td>{i.owner ?? <span class="muted">—</span>}</td>
            <td><Ago at={i.openedAt} /></td>
            <td><RespondBy respondBy={i.respondBy} status={i.status} /></td>
            <td class="one-line" title={i.rootCause?.summary}>
              <RootCauseLine incident={i} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Whether the fix held: verified (green), regressed (red), or not known yet. */
function FixBadge({ verification }: { verification: IncidentListEntry['verification'] | undefined }) {
  if (verification === 'verified') return <span class="pill status-resolved" title="the SLI met the objective after the change">verified</span>;
  if (verification === 'regressed') return <span class="pill pill-error" title="the SLI missed the objective after the change">regressed</span>;
  return <span class="muted" title="waiting for a change of an implicated service or the resolution">pending</span>;
}

function RootCauseLine({ incident }: { incident: IncidentListEntry }) {
  const inv = investigationState(incident.investigation);
  if (inv.state === 'running') return <span class="muted">investigating…</span>;
  if (inv.state === 'failed') return <span class="error-text">investigation failed: {inv.reason}</span>;
  if (!incident.rootCause) return <span class="muted">no bad trace found</span>;
  return <>{incident.rootCause.summary}</>;
}
