import type { LogRecord } from '../api/types';
import { formatTimestamp } from '../lib/format';
import { attributeAsText } from '../lib/spanFilter';
import { Link } from './Link';

/** `TRACE`..`FATAL` for a severity number 1–24 (OTel's ranges), or the record's own text. */
export function severityName(number: number, text: string): string {
  if (number >= 21) return 'FATAL';
  if (number >= 17) return 'ERROR';
  if (number >= 13) return 'WARN';
  if (number >= 9) return 'INFO';
  if (number >= 5) return 'DEBUG';
  if (number >= 1) return 'TRACE';
  return text || 'UNSET';
}

/** One log record: time, severity (coloured), service, body, and a link to its trace and span. */
export function LogLine({ log, spanHref }: { log: LogRecord; spanHref?: string }) {
  const severity = severityName(log.severityNumber, log.severityText);
  const body = typeof log.body === 'string' ? log.body : attributeAsText(log.body);
  const href = spanHref ?? (log.traceId ? `/traces/${log.traceId}${log.spanId ? `?span=${log.spanId}` : ''}` : undefined);
  return (
    <div class="log-row" data-testid="log-line">
      <span class="mono muted">{formatTimestamp(log.timeUnixNano || log.observedTimeUnixNano)}</span>
      <span class={`sev sev-${severity.toLowerCase()}`}>{severity}</span>
      <span class="muted">{log.service}</span>
      <span class="log-body">{body}</span>
      {href ? <Link href={href}>{log.spanId ? 'span' : 'trace'} →</Link> : <span />}
    </div>
  );
}
