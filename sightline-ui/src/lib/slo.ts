import type { BurnRatePoint, IncidentEntry, ServiceVersion, Slo, SloAlert, SloListAnswer, SloObjective, SloRule } from '../api/slos';

/**
 * The pure parts of the SLO, alert and incident views: rows and filters of the SLO list, the error
 * budget bar, chart data (burn rates against a threshold, SLI, budget burndown), annotations and
 * relative times. Unit-tested in slo.test.ts.
 */

/** Epoch milliseconds of an RFC 3339 time of the SLO API (nanosecond fractions are cut to ms). */
export function parseTime(rfc3339: string): number {
  const cut = rfc3339.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(cut);
}

// ---- the SLO list ----

export type SloRowState = 'firing' | 'ok' | 'pending' | 'unsupported';
export const SLO_ROW_STATES: readonly SloRowState[] = ['firing', 'ok', 'pending', 'unsupported'];

/** One row of `/slos`: an objective of an SLO. */
export interface SloRow {
  key: string;
  slo: Slo;
  objective: SloObjective;
  index: number;
  state: SloRowState;
}

export function rowState(slo: Slo, objective: SloObjective): SloRowState {
  if (slo.status === 'unsupported') return 'unsupported';
  if (objective.alertState === 'firing') return 'firing';
  if (slo.status === 'pending') return 'pending';
  return 'ok';
}

export function sloRows(answer: SloListAnswer): SloRow[] {
  return answer.slos.flatMap((slo) =>
    slo.objectives.map((objective, index) => ({
      key: `${slo.name}/${index}`,
      slo,
      objective,
      index,
      state: rowState(slo, objective),
    })),
  );
}

export interface SloFilter {
  service: string;
  state: string;
}

/** The rows matching the URL's `service=` and `state=` (empty: any). */
export function filterSloRows(rows: readonly SloRow[], filter: SloFilter): SloRow[] {
  return rows.filter(
    (r) => (!filter.service || r.slo.service === filter.service) && (!filter.state || r.state === filter.state),
  );
}

export function distinctServices(slos: readonly { service: string }[]): string[] {
  return [...new Set(slos.map((s) => s.service))].sort();
}

/** Rows firing first, then by SLO name and objective. */
export function sortSloRows(rows: readonly SloRow[]): SloRow[] {
  const order: Record<SloRowState, number> = { firing: 0, pending: 1, ok: 2, unsupported: 3 };
  return [...rows].sort(
    (a, b) => order[a.state] - order[b.state] || a.slo.name.localeCompare(b.slo.name) || a.index - b.index,
  );
}

// ---- error budget ----

export interface BudgetBar {
  /** Filled part, 0..1. */
  fraction: number;
  overspent: boolean;
  label: string;
}

/** The bar of an error budget remaining (1 untouched, ≤ 0 spent, negative overspent). */
export function budgetBar(remaining: number | null | undefined): BudgetBar | null {
  if (remaining == null || !Number.isFinite(remaining)) return null;
  const overspent = remaining < 0;
  return {
    fraction: Math.max(0, Math.min(1, remaining)),
    overspent,
    label: overspent ? `overspent by ${formatBudget(-remaining)}` : `${formatBudget(remaining)} left`,
  };
}

/** A budget fraction as a percentage: `42%`, `1994%`, `0.5%`. */
export function formatBudget(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (Math.abs(pct) >= 10) return `${Math.round(pct)}%`;
  return `${Number(pct.toPrecision(2))}%`;
}

/** A budget on a chart axis: like {@link formatBudget}, thousands of percent as `-5k%`. */
export function formatBudgetAxis(fraction: number): string {
  const pct = fraction * 100;
  return Math.abs(pct) >= 1000 ? `${Number((pct / 1000).toPrecision(3))}k%` : formatBudget(fraction);
}

/** A burn rate: `76.7×`, `0.42×`, `–` for null. */
export function formatBurnRate(rate: number | null | undefined): string {
  if (rate == null || !Number.isFinite(rate)) return '–';
  if (rate === 0) return '0×';
  if (rate >= 100) return `${Math.round(rate)}×`;
  return `${Number(rate.toPrecision(3))}×`;
}

/** A ratio 0..1 as an SLI percentage with enough digits for targets like 99.95%. */
export function formatSli(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  if (pct === 100) return '100%';
  return `${Number(pct.toFixed(pct >= 99 ? 3 : 2))}%`;
}

/** The smallest threshold of the rules that look at `window` (long or short), or null. */
export function windowThreshold(rules: readonly SloRule[] | undefined, window: string): number | null {
  const t = (rules ?? []).filter((r) => r.longWindow === window || r.shortWindow === window).map((r) => r.threshold);
  return t.length ? Math.min(...t) : null;
}

// ---- chart data (x in Unix seconds, as Chart wants) ----

type Column = (number | null)[];

/** The long and short window burn rates of a rule and its threshold as a constant series. */
export function ruleChartData(
  windows: Record<string, BurnRatePoint[]>,
  rule: Pick<SloRule, 'longWindow' | 'shortWindow' | 'threshold'>,
): [number[], Column, Column, Column] {
  const long = windows[rule.longWindow] ?? [];
  const short = windows[rule.shortWindow] ?? [];
  const base = long.length >= short.length ? long : short;
  const x = base.map((p) => parseTime(p.time) / 1000);
  const byTime = (points: BurnRatePoint[]) => {
    const m = new Map(points.map((p) => [parseTime(p.time) / 1000, p.burnRate]));
    return x.map((t) => m.get(t) ?? null);
  };
  return [x, byTime(long), byTime(short), x.map(() => rule.threshold)];
}

/** SLI (good / total) of a window's series; null where it had no events. */
export function sliColumn(points: readonly BurnRatePoint[]): Column {
  return points.map((p) => (p.total > 0 ? p.good / p.total : null));
}

/** SLI over time of a short and the SLO window, with the target as a constant series. */
export function sliChartData(
  shortest: readonly BurnRatePoint[],
  sloWindow: readonly BurnRatePoint[],
  target: number,
): [number[], Column, Column, Column] {
  const base = sloWindow.length ? sloWindow : shortest;
  const x = base.map((p) => parseTime(p.time) / 1000);
  const column = (points: readonly BurnRatePoint[]) => {
    const m = new Map(points.map((p) => [parseTime(p.time) / 1000, p.total > 0 ? p.good / p.total : null]));
    return x.map((t) => m.get(t) ?? null);
  };
  return [x, column(shortest), column(sloWindow), x.map(() => target)];
}

/**
 * Error budget remaining over time from the burn rate of the SLO window: the budget used by a
 * window is its error ratio over the allowed one, which is exactly its burn rate, so what is left
 * is 1 − burn rate (negative when overspent). Windows without events leave a gap.
 */
export function burndown(points: readonly BurnRatePoint[]): [number[], Column, Column] {
  const x = points.map((p) => parseTime(p.time) / 1000);
  return [x, points.map((p) => (p.burnRate == null ? null : 1 - p.burnRate)), x.map(() => 0)];
}

/** Steps the burn-rate API accepts, coarse enough for a chart. */
const STEPS: readonly [string, number][] = [
  ['10s', 10],
  ['30s', 30],
  ['1m', 60],
  ['5m', 300],
  ['15m', 900],
  ['30m', 1800],
  ['1h', 3600],
  ['3h', 10_800],
  ['6h', 21_600],
  ['12h', 43_200],
  ['1d', 86_400],
];

/** The server's limit of slots of one series (SliCalculator.MAX_SERIES_SLOTS). */
const MAX_SERIES_SLOTS = 200_000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The smallest step giving at most `maxPoints` points over `rangeMs` that the server can compute
 * for a window of `longestWindowMs`: it reads the range plus the window in slots of gcd(window,
 * step), at most 200,000 (a 30-day window over one hour needs a step of 30 s, not 10 s).
 */
export function seriesStep(rangeMs: number, maxPoints = 360, longestWindowMs = 0): string {
  const fits = (seconds: number) => {
    if (rangeMs / 1000 / seconds > maxPoints) return false;
    if (longestWindowMs <= 0) return true;
    const windowSeconds = Math.round(longestWindowMs / 1000);
    return (rangeMs / 1000 + windowSeconds) / gcd(windowSeconds, seconds) <= MAX_SERIES_SLOTS;
  };
  for (const [label, seconds] of STEPS) if (fits(seconds)) return label;
  return STEPS[STEPS.length - 1]![0];
}

const WINDOW_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A window label of the API (`5m`, `1h`, `30d`, `1h30m`) in milliseconds, or null. */
export function windowMs(label: string): number | null {
  const parts = [...label.matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== label) return null;
  return parts.reduce((sum, p) => sum + Number(p[1]) * WINDOW_UNITS[p[2]!]!, 0);
}

// ---- annotations ----

export type AnnotationKind = 'alert-fired' | 'alert-resolved' | 'version';

/** A vertical marker on a time chart. */
export interface Annotation {
  /** Unix seconds. */
  x: number;
  kind: AnnotationKind;
  /** The full text (title, accessible name). */
  label: string;
  /** The few characters drawn beside the marker. */
  short: string;
}

/** The versions one service ran in a range (`GET /api/v1/services/{service}/versions`). */
export interface ServiceVersions {
  service: string;
  versions: readonly ServiceVersion[];
}

/**
 * Alerts fired and resolved, and for each service the versions first seen after the earliest one of
 * the range (the earliest was already running: not a change), sorted by time.
 */
export function sloAnnotations(alerts: readonly SloAlert[], services: readonly ServiceVersions[]): Annotation[] {
  const out: Annotation[] = [];
  for (const a of alerts) {
    out.push({ x: parseTime(a.since) / 1000, kind: 'alert-fired', label: `alert fired: ${a.slo} (rule ${a.rule}, ${a.severity}) at ${a.since}`, short: 'fired' });
    if (a.resolvedAt) {
      out.push({
        x: parseTime(a.resolvedAt) / 1000,
        kind: 'alert-resolved',
        label: `alert resolved: ${a.slo}${a.resolvedReason ? ` (${a.resolvedReason})` : ''} at ${a.resolvedAt}`,
        short: 'resolved',
      });
    }
  }
  for (const { service, versions } of services) {
    const ordered = [...versions].sort((a, b) => a.firstSeenUnixNano - b.firstSeenUnixNano);
    for (let i = 1; i < ordered.length; i++) {
      const v = ordered[i]!;
      const before = ordered[i - 1]!.version || 'no version';
      out.push({
        x: v.firstSeenUnixNano / 1e9,
        kind: 'version',
        label: `${service} ${v.version || '(no version)'} first seen (before: ${before})`,
        short: `${service} ${v.version || '(none)'}`,
      });
    }
  }
  return out.sort((a, b) => a.x - b.x);
}

/**
 * The service and those it calls, directly or not, by the service map's edges (client → server):
 * a deployment of a dependency is a usual cause of an SLO's burn. The service first, then by
 * distance; at most `max`.
 */
export function withDependencies(service: string, edges: readonly { client: string; server: string }[], max = 8): string[] {
  const out = [service];
  for (let i = 0; i < out.length && out.length < max; i++) {
    const callees = edges
      .filter((e) => e.client === out[i] && !out.includes(e.server))
      .map((e) => e.server)
      .sort();
    for (const c of callees) if (!out.includes(c) && out.length < max) out.push(c);
  }
  return out;
}

/** `t` (Unix seconds) as a pixel offset in a plot `width` wide showing [min, max]; null outside. */
export function timeToX(t: number, min: number, max: number, width: number): number | null {
  if (!(max > min) || t < min || t > max) return null;
  return ((t - min) / (max - min)) * width;
}

/**
 * Where annotation labels go so that none overlaps the one before it in its lane: each label takes
 * `labelWidth` pixels right of its x, or left of it when it would pass `plotWidth` (flipped); a
 * marker goes to the first lane free there (at most `lanes`, then the last lane is shared). `xs`
 * ascending.
 */
export function annotationLanes(
  xs: readonly number[],
  labelWidth: number,
  plotWidth = Infinity,
  lanes = 4,
): { lane: number; flip: boolean }[] {
  const freeAt: number[] = [];
  return xs.map((x) => {
    const flip = x + labelWidth > plotWidth;
    const start = flip ? x - labelWidth : x;
    let lane = freeAt.findIndex((end) => start >= end);
    if (lane === -1) lane = freeAt.length < lanes ? freeAt.length : lanes - 1;
    freeAt[lane] = Math.max(freeAt[lane] ?? -Infinity, start + labelWidth);
    return { lane, flip };
  });
}

// ---- alerts and incidents ----

/** The incident that holds alert `alertId` (by its `alertIds`, else by `alertId`). */
export function incidentOfAlert(incidents: readonly IncidentEntry[] | undefined, alertId: string | null | undefined): IncidentEntry | undefined {
  if (!alertId || !incidents) return undefined;
  return incidents.find((i) => i.alertIds?.includes(alertId) || i.alertId === alertId);
}

export function openIncidents(incidents: readonly IncidentEntry[]): IncidentEntry[] {
  return incidents.filter((i) => i.status !== 'resolved');
}

/** A time relative to now: `just now`, `5m ago`, `2h 5m ago`, `in 12m`. */
export function formatRelative(ms: number, nowMs: number): string {
  const diff = nowMs - ms;
  const abs = Math.abs(diff);
  if (abs < 10_000) return 'just now';
  const text = shortDuration(abs);
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** A respond-by deadline: `in 12m` while it runs, `overdue by 3m` after. */
export function formatCountdown(deadlineMs: number, nowMs: number): { text: string; overdue: boolean } {
  const left = deadlineMs - nowMs;
  if (left >= 0) return { text: `in ${shortDuration(left)}`, overdue: false };
  return { text: `overdue by ${shortDuration(-left)}`, overdue: true };
}

/** `45s`, `12m`, `2h 5m`, `3d 4h`. */
export function shortDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Burn rates of a map, shortest window first, as `5m 76.7× · 1h 21×`. */
export function burnRateList(rates: Record<string, number | null> | undefined): { window: string; rate: number | null }[] {
  if (!rates) return [];
  return Object.entries(rates)
    .map(([window, rate]) => ({ window, rate }))
    .sort((a, b) => (windowMs(a.window) ?? 0) - (windowMs(b.window) ?? 0));
}
