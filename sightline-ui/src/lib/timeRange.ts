/**
 * The time range of every page, as it is written in the URL: `start` and `end` are `now`,
 * `now-15m` (relative: s, m, h, d, w), epoch milliseconds or RFC 3339 — the API's own forms plus
 * relative ones. Relative ranges are resolved against the clock at each (re)load.
 */
export interface TimeRange {
  start: string;
  end: string;
}

export const DEFAULT_RANGE: TimeRange = { start: 'now-1h', end: 'now' };

export const RELATIVE_CHOICES: readonly { label: string; start: string }[] = [
  { label: 'Last 15 minutes', start: 'now-15m' },
  { label: 'Last 1 hour', start: 'now-1h' },
  { label: 'Last 6 hours', start: 'now-6h' },
  { label: 'Last 24 hours', start: 'now-24h' },
];

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Epoch milliseconds of one end of a range, or null when the text is not a valid time. */
export function resolveTime(text: string, nowMs: number): number | null {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = /^now-(\d+)([smhdw])$/.exec(t);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^\d{10,}$/.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

export interface ResolvedRange {
  startMs: number;
  endMs: number;
}

/** The range in epoch milliseconds; invalid or inverted input falls back to the default. */
export function resolveRange(range: TimeRange, nowMs: number): ResolvedRange {
  const startMs = resolveTime(range.start, nowMs);
  const endMs = resolveTime(range.end, nowMs);
  if (startMs == null || endMs == null || endMs <= startMs) {
    return resolveRange(DEFAULT_RANGE, nowMs);
  }
  return { startMs, endMs };
}

/** True when the range moves with the clock (its end is `now`), so auto-refresh makes sense. */
export function isRelative(range: TimeRange): boolean {
  return range.end.trim() === 'now';
}

/** The range read from URL parameters, defaults filled in. */
export function rangeFromParams(params: URLSearchParams): TimeRange {
  return {
    start: params.get('start') || DEFAULT_RANGE.start,
    end: params.get('end') || DEFAULT_RANGE.end,
  };
}

/** A short label for the picker button: `Last 1 hour`, `now-3h → now`, or two local times. */
export function describeRange(range: TimeRange): string {
  if (range.end === 'now') {
    const known = RELATIVE_CHOICES.find((c) => c.start === range.start);
    if (known) return known.label;
  }
  const show = (t: string) => {
    const ms = resolveTime(t, 0);
    return ms != null && !t.startsWith('now') ? new Date(ms).toLocaleString() : t;
  };
  return `${show(range.start)} → ${show(range.end)}`;
}

/** An absolute instant as the `datetime-local` input writes it (local time, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** A `datetime-local` value (local time) as epoch milliseconds text for the URL. */
export function fromLocalInput(value: string): string | null {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : String(ms);
}
