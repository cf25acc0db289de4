import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { IncidentStatus } from '../api/incidents';
import { absoluteTime, countdown, relativeTime } from '../lib/incident';
import { useNow } from '../lib/useNow';

/** Small parts shared by the incident pages. */

/** The respond-by countdown, live; overdue in red; nothing for a resolved incident. */
export function RespondBy({ respondBy, status }: { respondBy: string; status: IncidentStatus }) {
  const now = useNow(1000);
  if (status === 'resolved') return <span class="muted">—</span>;
  const c = countdown(respondBy, now);
  if (!c) return <span class="muted">—</span>;
  return (
    <span class={c.overdue ? 'countdown overdue' : 'countdown'} title={`respond by ${absoluteTime(respondBy)}`} data-testid="respond-by">
      {c.text}
    </span>
  );
}

/** `4m ago`, with the absolute local time as its title. */
export function Ago({ at }: { at: string }) {
  const now = useNow(10_000);
  return <time dateTime={at} title={absoluteTime(at)}>{relativeTime(at, now)}</time>;
}

export function StatusBadge({ status, testId }: { status: IncidentStatus; testId?: string }) {
  return (
    <span class={`pill status status-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  return <span class={`pill sev-badge sev-${severity.toLowerCase()}`}>{severity}</span>;
}

/** The first `limit` items, and a button that shows them all (long evidence lists stay short). */
export function Collapsed<T>(props: { items: readonly T[]; limit?: number; what: string; children: (shown: readonly T[]) => ComponentChildren }) {
  const limit = props.limit ?? 10;
  const [all, setAll] = useState(false);
  const shown = all ? props.items : props.items.slice(0, limit);
  return (
    <>
      {props.children(shown)}
      {props.items.length > limit && (
        <button type="button" class="link-btn show-all" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? `show the first ${limit}` : `show all ${props.items.length} ${props.what}`}
        </button>
      )}
    </>
  );
}

/**
 * Two horizontal bars on one scale: `a` (bad, in red) over `b` (baseline), each labelled.
 * `max` is the scale's full width; values missing are shown as a dash.
 */
export function PairBars(props: { a: number | null; b: number | null; max: number; format: (v: number) => string; aLabel?: string; bLabel?: string }) {
  const width = (v: number | null) => (v == null || props.max <= 0 ? 0 : Math.max(0, Math.min(100, (v / props.max) * 100)));
  return (
    <div class="pair-bars">
      <div class="pair-row" title={props.aLabel}>
        <span class="bar bar-bad" style={{ width: `${width(props.a)}%` }} />
        <span class="bar-value">{props.a == null ? '–' : props.format(props.a)}</span>
      </div>
      <div class="pair-row" title={props.bLabel}>
        <span class="bar bar-base" style={{ width: `${width(props.b)}%` }} />
        <span class="bar-value muted">{props.b == null ? '–' : props.format(props.b)}</span>
      </div>
    </div>
  );
}
