import { SLO_PATHS, type IncidentEntry, type SloAlert } from '../api/slos';
import { usePage } from '../lib/pageContext';
import { linkWithRange } from '../lib/router';
import { openIncidents } from '../lib/slo';
import { useNow } from '../lib/useNow';
import { usePoll } from '../lib/usePoll';
import { Link } from './Link';
import { Countdown, Since, StatePill } from './SloParts';
import { ErrorBox } from './States';

/**
 * The top of the overview: live lists of firing alerts and open (not resolved) incidents, only
 * when there are some; a one-line all-clear otherwise. The counts keep their `firing-alerts` and
 * `open-incidents` test ids.
 */
export function LiveAlerts() {
  const alerts = usePoll<{ alerts: SloAlert[] }>(SLO_PATHS.alerts, { state: 'firing' });
  const incidents = usePoll<{ incidents: IncidentEntry[] }>(SLO_PATHS.incidents);
  if (alerts.error && incidents.error) return <ErrorBox message={alerts.error} />;
  if ((!alerts.data && !alerts.error) || (!incidents.data && !incidents.error)) {
    return <p class="muted quiet-line">Loading alerts and incidents…</p>;
  }
  // one of them failing still shows the other
  const firing = alerts.data?.alerts ?? [];
  const open = openIncidents(incidents.data?.incidents ?? []);
  const failed = alerts.error ?? incidents.error;
  if (failed) {
    return (
      <>
        <ErrorBox message={failed} />
        {(firing.length > 0 || open.length > 0) && <LiveLists firing={firing} open={open} />}
      </>
    );
  }
  return <LiveLists firing={firing} open={open} />;
}

function LiveLists({ firing, open }: { firing: SloAlert[]; open: IncidentEntry[] }) {
  const { location } = usePage();
  const now = useNow();
  const count = (n: number, what: string, testId: string) => (
    <span data-testid={testId}>
      <span class="value">{n}</span> {n === 1 ? what.replace(/s$/, '') : what}
    </span>
  );
  if (firing.length === 0 && open.length === 0) {
    return (
      <p class="muted quiet-line" data-testid="all-clear">
        ✓ {count(0, 'firing alerts', 'firing-alerts')} · {count(0, 'open incidents', 'open-incidents')}
      </p>
    );
  }
  const href = (path: string, extra: Record<string, string> = {}) => linkWithRange(path, location.params, extra);
  return (
    <div class="live-lists">
      {firing.length === 0 ? (
        <p class="muted">{count(0, 'firing alerts', 'firing-alerts')}</p>
      ) : (
        <section class="live-list">
          <h2>
            <span class="count">{count(firing.length, 'firing alerts', 'firing-alerts')}</span>{' '}
            <Link href={href('/alerts')} class="muted">
              all alerts
            </Link>
          </h2>
          <ul data-testid="firing-alert-list">
            {firing.map((a) => (
              <li key={a.id} data-testid="firing-alert" data-slo={a.slo}>
                <strong>{a.severity}</strong>
                <Link href={href(`/slos/${encodeURIComponent(a.slo)}`)}>{a.slo}</Link>
                <span class="muted">
                  rule {a.rule} · <Since at={a.since} now={now} />
                </span>
                <span>
                  respond <Countdown deadline={a.respondBy} now={now} />
                </span>
                <Link href={href('/alerts', { slo: a.slo })} title={`alert ${a.id}`}>
                  alert
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {open.length === 0 ? (
        <p class="muted">{count(0, 'open incidents', 'open-incidents')}</p>
      ) : (
        <section class="live-list">
          <h2>
            <span class="count">{count(open.length, 'open incidents', 'open-incidents')}</span>{' '}
            <Link href={href('/incidents')} class="muted">
              all incidents
            </Link>
          </h2>
          <ul data-testid="open-incident-list">
            {open.map((i) => (
              <li key={i.id} data-testid="open-incident" data-incident={i.id}>
                <strong>{i.severity}</strong>
                <Link href={href(`/incidents/${encodeURIComponent(i.id)}`)} title={`incident ${i.id}`}>
                  {i.slo}
                </Link>
                <StatePill state={i.status} />
                <span>
                  respond <Countdown deadline={i.respondBy} now={now} done={i.status === 'mitigated'} />
                </span>
                <span class="one-line" title={i.rootCause?.summary}>
                  {i.rootCause ? `Probable cause: ${i.rootCause.summary}` : 'No probable cause found yet.'}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
