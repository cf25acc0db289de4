import type { IncidentStatus, LifecycleAction, TraceRef } from '../api/incidents';

/** Pure helpers of the incident pages: countdowns, relative times, allowed lifecycle moves. */

/** A span of milliseconds as `45s`, `12m 05s`, `3h 20m`, `2d 4h` (absolute value). */
export function formatSpan(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export interface Countdown {
  text: string;
  overdue: boolean;
}

/** The respond-by countdown: `12m 05s left` or `overdue by 3m 10s`; null for bad input. */
export function countdown(respondBy: string, nowMs: number): Countdown | null {
  const due = Date.parse(respondBy);
  if (!Number.isFinite(due)) return null;
  const left = due - nowMs;
  return left >= 0 ? { text: `${formatSpan(left)} left`, overdue: false } : { text: `overdue by ${formatSpan(left)}`, overdue: true };
}

/** `just now`, `45s ago`, `12m ago`, `3h ago`, `2d ago` (or `in 5m` for the future). */
export function relativeTime(at: string, nowMs: number): string {
  const t = Date.parse(at);
  if (!Number.isFinite(t)) return at;
  const d = nowMs - t;
  if (Math.abs(d) < 5000) return 'just now';
  const s = Math.abs(d) / 1000;
  const text = s < 60 ? `${Math.floor(s)}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
  return d >= 0 ? `${text} ago` : `in ${text}`;
}

/** An RFC 3339 instant as a local `2026-11-21 11:15:16` (the title of relative times). */
export function absoluteTime(at: string): string {
  const t = Date.parse(at);
  if (!Number.isFinite(t)) return at;
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Which lifecycle actions the API allows from a status (docs/incidents.md "Lifecycle"). */
export function allowedActions(status: IncidentStatus): Record<LifecycleAction, boolean> {
  return {
    ack: status === 'open',
    mitigate: status === 'open' || status === 'acknowledged',
    resolve: status !== 'resolved',
  };
}

/** `running`, `complete`, `failed` (with the reason), or complete when the server does not say. */
export function investigationState(investigation: string | undefined): { state: 'running' | 'complete' | 'failed'; reason?: string } {
  if (investigation === 'running') return { state: 'running' };
  if (investigation?.startsWith('failed')) return { state: 'failed', reason: investigation.replace(/^failed:?\s*/, '') };
  return { state: 'complete' };
}

/**
 * For each bad trace, the baseline trace to compare it with: one of the same root service and
 * operation when there is one, else the first baseline trace; undefined without baseline traces.
 */
export function baselineFor(bad: readonly TraceRef[], baseline: readonly TraceRef[]): Map<string, string | undefined> {
  const byRoot = new Map<string, string>();
  for (const b of baseline) {
    const key = `${b.rootService}\u0000${b.rootOperation}`;
    if (!byRoot.has(key)) byRoot.set(key, b.traceId);
  }
  const fallback = baseline[0]?.traceId;
  const result = new Map<string, string | undefined>();
  for (const t of bad) result.set(t.traceId, byRoot.get(`${t.rootService}\u0000${t.rootOperation}`) ?? fallback);
  return result;
}

/** Parses the SLI of each point: good / total, null when there were no events. */
export function sliSeries(points: readonly { time: string; good: number | null; total: number | null }[]): { t: number; sli: number | null }[] {
  return points.map((p) => ({
    t: Date.parse(p.time) / 1000,
    sli: p.good != null && p.total != null && p.total > 0 ? p.good / p.total : null,
  }));
}

/** The card with its lists present even when a server leaves them out (while investigating, say). */
export function normalizeCard<C extends { hypotheses?: unknown[]; timeline?: unknown[]; actionItems?: unknown[] }>(card: C): C {
  return { ...card, hypotheses: card.hypotheses ?? [], timeline: card.timeline ?? [], actionItems: card.actionItems ?? [] };
}
