import type { ComponentChildren } from 'preact';
import { incidentPaths, type Incident } from '../../api/incidents';
import { Ago, RespondBy, SeverityBadge, StatusBadge } from '../../components/IncidentBits';
import { Link } from '../../components/Link';
import { ErrorBox, Loading } from '../../components/States';
import { formatPercent } from '../../lib/format';
import { absoluteTime, investigationState, normalizeCard } from '../../lib/incident';
import { safeHref } from '../../lib/markdown';
import { usePoll } from '../../lib/usePoll';
import {
  AttributeDifferences,
  ChangesTimeline,
  CriticalPathCompare,
  Dependencies,
  ErrorGroups,
  LogPatterns,
  Section,
  TraceLists,
} from './Evidence';
import { ActionItems, Lifecycle, useResponderName } from './Respond';
import { VerificationSection } from './VerificationSection';

/** `/incidents/{id}`: the incident card, live; an action's answer replaces it at once. */
export function IncidentPage({ id }: { id: string }) {
  const poll = usePoll<Incident>(incidentPaths.card(id));
  if (poll.error)
    return (
      <>
        <ErrorBox message={poll.error} />
        <p>
          <Link href="/incidents">All incidents</Link>
        </p>
      </>
    );
  if (poll.data === undefined) return <Loading what={`incident ${id}`} />;
  return (
    <>
      {poll.staleError && (
        <p class="error-text" role="status">
          Not updating: {poll.staleError}
        </p>
      )}
      <IncidentCard incident={normalizeCard(poll.data)} onUpdate={poll.replace} />
    </>
  );
}

export function IncidentCard({ incident, onUpdate }: { incident: Incident; onUpdate: (card: Incident) => void }) {
  const [name, setName] = useResponderName();
  const inv = investigationState(incident.investigation);
  const evidence = incident.evidence ?? {};
  const baselineAvailable = evidence.baselineAvailable ?? false;
  return (
    <article class="incident" data-testid="incident" data-id={incident.id}>
      <Header incident={incident} />
      <Lifecycle incident={incident} onUpdate={onUpdate} name={name} setName={setName} />
      <Impact incident={incident} />
      <div class="grid-2">
        <RootCause incident={incident} state={inv} />
        <Section title="Hypotheses" testId="hypotheses" note="ranked, most probable first">
          {inv.state === 'running' ? (
            <p class="investigating">investigating…</p>
          ) : incident.hypotheses.length === 0 ? (
            <p class="muted">No hypothesis.</p>
          ) : (
            <ol class="hypotheses">
              {incident.hypotheses.map((h, i) => (
                <li key={i} data-testid="hypothesis">
                  <div>
                    <strong>{h.service}</strong> {h.operation} <span class="pill">{h.kind}</span>{' '}
                    <span class="muted">{formatPercent(h.confidence)}</span>
                  </div>
                  <div class="small">{h.detail}</div>
                  <ul class="evidence-lines small">
                    {h.evidence.map((line, j) => (
                      <li key={j}>{evidenceLine(line)}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
          )}
        </Section>
      </div>
      {inv.state === 'running' ? (
        <div class="state investigating" data-testid="investigating" role="status">
          <span class="spinner" aria-hidden="true" /> investigating… the evidence (traces, critical path, errors, logs, changes,
          dependencies) appears here once gathered.
        </div>
      ) : (
        <>
          <ChangesTimeline incident={incident} />
          <CriticalPathCompare ops={evidence.criticalPath ?? []} baselineAvailable={baselineAvailable} />
          <div class="grid-2">
            <ErrorGroups groups={evidence.errors ?? []} />
            <AttributeDifferences items={evidence.attributes ?? []} />
          </div>
          <LogPatterns patterns={evidence.logPatterns ?? []} baselineAvailable={baselineAvailable} queries={evidence.logQueries ?? {}} />
          <Dependencies deps={evidence.dependencies ?? []} />
          <TraceLists bad={evidence.badTraceDetails ?? []} baseline={evidence.baselineTraceDetails ?? []} />
        </>
      )}
      <VerificationSection incident={incident} />
      <ActionItems incident={incident} onUpdate={onUpdate} name={name} />
      <Section title="Timeline" testId="timeline">
        <ol class="timeline">
          {incident.timeline.map((t, i) => (
            <li key={i} data-testid="timeline-entry" data-kind={t.kind}>
              <time dateTime={t.at} title={t.at} class="mono">
                {absoluteTime(t.at)}
              </time>{' '}
              <span class={`pill tl-pill-${t.kind}`}>{t.kind}</span> {t.text}
            </li>
          ))}
        </ol>
      </Section>
    </article>
  );
}

function Header({ incident }: { incident: Incident }) {
  const runbook = incident.runbook ? safeHref(incident.runbook) : null;
  return (
    <header class="incident-header">
      <h2>
        <Link href={`/slos/${encodeURIComponent(incident.slo)}`}>{incident.slo}</Link>{' '}
        <SeverityBadge severity={incident.severity} /> <StatusBadge status={incident.status} testId="incident-status" />{' '}
        <span class="muted mono small">{incident.id}</span>
      </h2>
      <dl class="facts">
        <Fact label="Objective">
          {incident.objective ?? 'objective'} ≥ {incident.objectiveTarget}
        </Fact>
        <Fact label="Service">{incident.service}</Fact>
        <Fact label="Owner">{incident.owner ?? <span class="muted">—</span>}</Fact>
        <Fact label="Runbook">
          {runbook ? (
            <a href={runbook} target="_blank" rel="noopener noreferrer" data-testid="runbook-link">
              {incident.runbook}
            </a>
          ) : (
            incident.runbook ?? <span class="muted">—</span>
          )}
        </Fact>
        <Fact label="Respond by">
          <RespondBy respondBy={incident.respondBy} status={incident.status} />
        </Fact>
        <Fact label="Opened">
          <Ago at={incident.openedAt} /> <span class="muted small">({absoluteTime(incident.openedAt)})</span>
        </Fact>
        <Fact label="Window">
          {absoluteTime(incident.window.start)} – {absoluteTime(incident.window.end)}
        </Fact>
        <Fact label="Baseline">
          {incident.baseline.start !== incident.baseline.end && (
            <>
              {absoluteTime(incident.baseline.start)} – {absoluteTime(incident.baseline.end)}{' '}
            </>
          )}
          <span class="muted small">{incident.baselineNote}</span>
        </Fact>
      </dl>
      <p class="small">
        <Link href={`/incidents/${encodeURIComponent(incident.id)}/postmortem`} data-testid="postmortem-link">
          Post-mortem
        </Link>{' '}
        · <Link href="/incidents">all incidents</Link>
      </p>
    </header>
  );
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Impact({ incident }: { incident: Incident }) {
  const i = incident.impact;
  return (
    <section class="section" data-testid="impact" aria-labelledby="impact-h">
      <h2 id="impact-h">Summary and impact</h2>
      <p data-testid="summary">
        {incident.slo} ({incident.objective ?? 'objective'} ≥ {incident.objectiveTarget}) burned its budget: {i.badRequests} of {i.requests}{' '}
        requests failed in the window.
        {incident.rootCause && (
          <>
            {' '}
            Probable cause: <strong>{incident.rootCause.service}</strong> {incident.rootCause.operation}
            {incident.rootCause.attribute ? ` with ${incident.rootCause.attribute}` : ''}.
          </>
        )}
      </p>
      <div class="cards">
        <div class="card">
          <div class="muted small">requests in the window</div>
          <div class="value">{i.requests}</div>
        </div>
        <div class="card bad">
          <div class="muted small">bad requests</div>
          <div class="value">{i.badRequests}</div>
        </div>
        <div class="card bad">
          <div class="muted small">error ratio (baseline)</div>
          <div class="value">
            {formatPercent(i.errorRatio)} <span class="muted small">({i.baselineErrorRatio == null ? 'no baseline' : formatPercent(i.baselineErrorRatio)})</span>
          </div>
        </div>
        <div class="card">
          <div class="muted small">error budget burned</div>
          <div class="value">{formatPercent(i.budgetBurned)}</div>
        </div>
      </div>
    </section>
  );
}

function RootCause({ incident, state }: { incident: Incident; state: ReturnType<typeof investigationState> }) {
  const rc = incident.rootCause;
  return (
    <Section title="Root cause" testId="root-cause">
      {state.state === 'running' ? (
        <p class="investigating">investigating…</p>
      ) : state.state === 'failed' ? (
        <p class="error-text">The investigation failed: {state.reason}</p>
      ) : !rc ? (
        <p class="muted">No bad trace was found in the window: no cause could be named.</p>
      ) : (
        <>
          <p class="root-cause-line">
            <strong>{rc.service}</strong> <span class="mono">{rc.operation}</span>{' '}
            <span class="pill" title="confidence">
              {formatPercent(rc.confidence)} confidence
            </span>
            {rc.attribute && (
              <>
                {' '}
                <code>{rc.attribute}</code>
              </>
            )}
          </p>
          <p>{rc.summary}</p>
        </>
      )}
    </Section>
  );
}

/** An evidence line, its trailing `trace: ID` a link to the waterfall. */
function evidenceLine(line: string): ComponentChildren {
  const m = /^trace: ([0-9a-f]{32})$/.exec(line);
  return m ? (
    <>
      trace: <Link href={`/traces/${m[1]!}`}>{m[1]!}</Link>
    </>
  ) : (
    line
  );
}
