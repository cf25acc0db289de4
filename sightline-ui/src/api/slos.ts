import { getJson } from './client';

/**
 * The SLO, alert and incident-list shapes of docs/api.md ("SLOs and alerts", "Incidents") and the
 * service versions endpoint, with their typed calls. Times are RFC 3339 strings here (unlike the
 * telemetry endpoints); burn rates, SLIs and budgets of windows without events are null.
 */

export type AlertState = 'firing' | 'resolved';

export interface SloRule {
  name: string;
  severity: string;
  longWindow: string;
  shortWindow: string;
  threshold: number;
  longBurnRate: number | null;
  shortBurnRate: number | null;
  enoughTraffic: boolean;
  requiredCoverage: string;
  warmingUp: boolean;
  fires: boolean;
}

export interface SloObjective {
  displayName: string | null;
  target: number;
  /** Present once evaluated. */
  sli?: number | null;
  good?: number;
  total?: number;
  budgetRemaining?: number | null;
  /** Burn rate per window label, shortest first. */
  burnRates?: Record<string, number | null>;
  rules?: SloRule[];
  alertState: 'firing' | 'inactive';
  alertId: string | null;
}

export interface Slo {
  name: string;
  displayName: string | null;
  description: string | null;
  service: string;
  source: string | null;
  timeWindow: string;
  severity: string;
  owner: string | null;
  runbook: string | null;
  respondWithin: string;
  status: 'pending' | 'evaluated' | 'unsupported';
  reason?: string;
  evaluatedAt?: string;
  dataCoverageSeconds?: number | null;
  objectives: SloObjective[];
}

export interface SloProblem {
  file: string;
  line: number;
  field: string;
  message: string;
  text: string;
}

export interface SloListAnswer {
  slos: Slo[];
  problems: SloProblem[];
  evaluatedAt: string | null;
}

export interface BurnRatePoint {
  time: string;
  burnRate: number | null;
  good: number;
  total: number;
}

export interface BurnRateSeries {
  start: string;
  end: string;
  step: string;
  unsupported?: string;
  objectives: { displayName: string | null; target: number; windows: Record<string, BurnRatePoint[]> }[];
}

/** `GET /api/v1/slos/{name}`. */
export interface SloAnswer {
  slo: Slo;
  /** The YAML that defines it, as stored (older servers leave it out). */
  spec?: string | null;
  burnRateSeries: BurnRateSeries;
}

/** An alert of `GET /api/v1/alerts`. */
export interface SloAlert {
  id: string;
  fingerprint: string;
  slo: string;
  objective: string | null;
  service: string;
  severity: string;
  state: AlertState;
  rule: string;
  ruleSeverity: string;
  since: string;
  resolvedAt: string | null;
  resolvedReason: string | null;
  updatedAt: string;
  burnRates: Record<string, number | null>;
  budgetRemaining: number | null;
  currentBurnRates: Record<string, number | null>;
  currentBudgetRemaining: number | null;
  runbook: string | null;
  owner: string | null;
  respondBy: string;
}

/** An entry of `GET /api/v1/incidents`. */
export interface IncidentEntry {
  id: string;
  slo: string;
  service: string;
  severity: string;
  status: 'open' | 'acknowledged' | 'mitigated' | 'resolved';
  openedAt: string;
  updatedAt: string;
  rootCause: { service: string; operation: string; summary: string; confidence: number; attribute?: string } | null;
  owner: string | null;
  runbook: string | null;
  respondBy: string;
  verification: string;
  /** Servers before the list carried them leave these out. */
  alertId?: string;
  alertIds?: string[];
}

export interface ServiceVersion {
  version: string;
  firstSeenUnixNano: number;
  lastSeenUnixNano: number;
  spans: number;
}

/** Paths of the live (polled) endpoints, for usePoll. */
export const SLO_PATHS = {
  slos: '/slos',
  slo: (name: string) => `/slos/${encodeURIComponent(name)}`,
  alerts: '/alerts',
  incidents: '/incidents',
} as const;

export const sloApi = {
  slo: (name: string, q: { start: number; end: number; step: string; windows?: string }, signal?: AbortSignal) =>
    getJson<SloAnswer>(SLO_PATHS.slo(name), q, signal),
  alerts: (q: { state?: AlertState; slo?: string }, signal?: AbortSignal) =>
    getJson<{ alerts: SloAlert[] }>('/alerts', q, signal),
  serviceVersions: (service: string, q: { start: number; end: number }, signal?: AbortSignal) =>
    getJson<{ service: string; versions: ServiceVersion[] }>(
      `/services/${encodeURIComponent(service)}/versions`,
      q,
      signal,
    ),
};
