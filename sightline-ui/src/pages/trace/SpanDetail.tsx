import type { Attributes, Span, SpanEvent } from '../../api/types';
import { api } from '../../api/sightline';
import { Link } from '../../components/Link';
import { LogLine } from '../../components/LogLine';
import { Empty, Loaded } from '../../components/States';
import { formatDuration, formatTimestamp } from '../../lib/format';
import { attributeAsText, attributeType } from '../../lib/spanFilter';
import type { ResolvedRange } from '../../lib/timeRange';
import { useApi } from '../../lib/useApi';

/** The selected span: timing, status, typed attributes, resource, scope, events, links, its logs. */
export function SpanDetail({ span, traceStart, logRange }: { span: Span; traceStart: number; logRange: ResolvedRange }) {
  const logs = useApi(
    (s) => api.logs({ traceId: span.traceId, spanId: span.spanId }, logRange, 200, s),
    [span.spanId],
  );
  return (
    <aside class="detail" data-testid="span-detail" aria-label="Span detail">
      <h3>
        {span.service} · {span.name}
      </h3>
      <table class="kv">
        <tbody>
          <tr><td>span id</td><td class="mono">{span.spanId}</td></tr>
          <tr><td>kind</td><td>{span.kind}</td></tr>
          <tr><td>duration</td><td>{formatDuration(span.durationNanos)}</td></tr>
          <tr><td>start</td><td>+{formatDuration(span.startTimeUnixNano - traceStart)} ({formatTimestamp(span.startTimeUnixNano)})</td></tr>
          <tr>
            <td>status</td>
            <td class={span.status.code === 'ERROR' ? 'error-text' : undefined}>
              {span.status.code}
              {span.status.message && `: ${span.status.message}`}
            </td>
          </tr>
        </tbody>
      </table>
      <h4>Logs of this span</h4>
      <Loaded state={logs} what="logs">
        {(d) => (d.logs.length === 0 ? <p class="muted">No log records carry this span id.</p> : d.logs.map((l, i) => <LogLine key={i} log={l} spanHref="" />))}
      </Loaded>
      <h4>Attributes{span.droppedAttributesCount > 0 && ` (${span.droppedAttributesCount} dropped)`}</h4>
      <AttributeTable attributes={span.attributes} />
      <h4>Events{span.droppedEventsCount > 0 && ` (${span.droppedEventsCount} dropped)`}</h4>
      {span.events.length === 0 ? <p class="muted">none</p> : span.events.map((e, i) => <Event key={i} event={e} traceStart={traceStart} />)}
      <h4>Links</h4>
      {span.links.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <ul>
          {span.links.map((l) => (
            <li key={l.traceId + l.spanId}>
              <Link href={`/traces/${l.traceId}?span=${l.spanId}`} class="mono">
                {l.traceId.slice(0, 16)}… / {l.spanId}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h4>Resource</h4>
      <AttributeTable attributes={span.resource} />
      <h4>Scope</h4>
      <p class="mono">
        {span.scope.name || '(unnamed)'} {span.scope.version}
      </p>
    </aside>
  );
}

function AttributeTable({ attributes }: { attributes: Attributes }) {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return <Empty>none</Empty>;
  return (
    <table class="kv">
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <td>{k}</td>
            <td>
              <span class="mono">{attributeAsText(attributes[k])}</span>
              <span class="type">{attributeType(attributes[k])}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Event({ event, traceStart }: { event: SpanEvent; traceStart: number }) {
  const a = event.attributes;
  const isException = event.name === 'exception';
  const rest = Object.fromEntries(
    Object.entries(a).filter(([k]) => !isException || !k.startsWith('exception.')),
  );
  return (
    <div class="event">
      <div>
        <strong class={isException ? 'error-text' : undefined}>{event.name}</strong>{' '}
        <span class="muted">+{formatDuration(event.timeUnixNano - traceStart)}</span>
      </div>
      {isException && (
        <>
          <div class="mono">
            {attributeAsText(a['exception.type'] ?? '')}: {attributeAsText(a['exception.message'] ?? '')}
          </div>
          {a['exception.stacktrace'] != null && <pre class="stack">{attributeAsText(a['exception.stacktrace'])}</pre>}
        </>
      )}
      {Object.keys(rest).length > 0 && <AttributeTable attributes={rest} />}
    </div>
  );
}
