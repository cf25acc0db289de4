import type { LogRecord } from '../api/types';

/** Identity of a log record for de-duplicating overlapping live-tail polls. */
export function logKey(l: LogRecord): string {
  const body = typeof l.body === 'string' ? l.body : JSON.stringify(l.body);
  return `${l.timeUnixNano}|${l.observedTimeUnixNano}|${l.traceId}|${l.spanId}|${l.service}|${body}`;
}

/**
 * Merges a newer poll (newest first) into what is shown (newest first): records already shown
 * are skipped, at most `max` kept.
 */
export function mergeNewest(shown: readonly LogRecord[], fresh: readonly LogRecord[], max: number): LogRecord[] {
  const seen = new Set(shown.map(logKey));
  const added = fresh.filter((l) => !seen.has(logKey(l)));
  return [...added, ...shown].slice(0, max);
}

/** Where the next poll starts (epoch ms): the newest shown record's millisecond, or `fallbackMs`. */
export function nextPollStart(shown: readonly LogRecord[], fallbackMs: number): number {
  const newest = shown[0];
  if (!newest) return fallbackMs;
  return Math.floor((newest.timeUnixNano || newest.observedTimeUnixNano) / 1e6);
}
