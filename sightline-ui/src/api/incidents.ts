import { getJson, getText, postJson } from './client';

/**
 * The incident endpoints of docs/api.md ("Incidents") and their JSON. Times are RFC 3339 strings
 * except the `*UnixNano` fields inside the evidence. Fields added after the first version
 * (`investigation` in the list, `evidenceGatheredAt`, an action item's `done`) are optional: the
 * UI degrades when a server lacks them.
 */
export type IncidentStatus = 'open' | 'acknowledged' | 'mitigated' | 'resolved';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'acknowledged', 'mitigated', 'resolved'];
export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;

/** `running`, `complete` or `failed: REASON`. */
export type Investigation = string;

export interface RootCauseSummary {
  service: string;
  operation: string;
  summary: string;
  confidence: number;
  attribute?: string | null;
}

export interface IncidentListEntry {
  id: string;
  slo: string;
  service: string;
  severity: string;
  status: IncidentStatus;
  openedAt: string;
  updatedAt: string;
  rootCause: RootCauseSummary | null;
  owner: string | null;
  runbook: string | null;
  respondBy: string;
  verification: 'pending' | 'verified' | 'regressed';
  investigation?: Investigation;
}

export interface Verification {
  status: 'pending' | 'verified' | 'regressed';
  trigger: string | null;
  from: string | null;
  checkedAt: string | null;
  sliAfter: number | null;
  sliBaseline: number | null;
  objective: number;
  eventsAfter: number;
  detail: string;
}

export interface Hypothesis {
  service: string;
  operation: string;
  kind: string;
  attributeKey?: string | null;
  attributeValue?: string | null;
  detail: string;
  confidence: number;
  evidence: string[];
}

export interface TraceRef {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startUnixNano: number;
  durationMs: number;
  spans: number;
  errorSpans: number;
}

export interface OperationDelta {
  operation: { service: string; name: string };
  badTraces: number;
  baselineTraces: number;
  badMeanMs: number;
  baselineMeanMs: number | null;
  badP50Ms: number;
  baselineP50Ms: number | null;
  deltaMs: number | null;
  relativeDelta: number | null;
  badShare: number;
  badSelfMeanMs: number;
  baselineSelfMeanMs: number | null;
  badErrorRate: number;
  baselineErrorRate: number | null;
}

export interface AttributeDifference {
  service: string;
  difference: {
    key: string;
    resource: boolean;
    value: string;
    badCount: number;
    badTotal: number;
    goodCount: number;
    goodTotal: number;
    badShare: number;
    goodShare: number;
    score: number;
  };
}

export interface ErrorGroup {
  service: string;
  operation: string;
  exceptionType: string;
  messageTemplate: string;
  exampleMessage: string;
  exampleStacktrace: string;
  count: number;
  firstSeenUnixNano: number;
  lastSeenUnixNano: number;
  examples: { traceId: string; spanId: string }[];
}

export interface LogPattern {
  pattern: string;
  count: number;
  baselineCount: number;
  new: boolean;
  increased: boolean;
  ratePerMinute: number;
  baselineRatePerMinute: number | null;
  ratio: number | null;
  exampleTraceIds: string[];
  examples: { timeUnixNano: number; traceId: string; spanId: string; service: string; body: string }[];
  severities: Record<string, number>;
}

export interface VersionChange {
  service: string;
  version: string;
  previousVersions: string[];
  firstSeenUnixNano: number;
  spans: number;
  note: string | null;
}

export interface DependencyTrend {
  caller: string | null;
  service: string;
  baselineRate: number | null;
  rate: number;
  baselineErrorRatio: number | null;
  errorRatio: number;
  baselineP95Ms: number | null;
  p95Ms: number | null;
}

export interface Evidence {
  baselineAvailable: boolean;
  badTraces: string[];
  baselineTraces: string[];
  badTraceDetails: TraceRef[];
  baselineTraceDetails: TraceRef[];
  criticalPath: OperationDelta[];
  attributes: AttributeDifference[];
  errors: ErrorGroup[];
  logPatterns: LogPattern[];
  changes: VersionChange[];
  dependencies: DependencyTrend[];
  logQueries: Record<string, string>;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  text: string;
}

export interface ActionItem {
  id: string;
  text: string;
  owner: string | null;
  createdAt: string;
  done?: boolean;
  doneAt?: string | null;
  doneBy?: string | null;
}

export interface Incident extends Omit<IncidentListEntry, 'verification'> {
  verification: Verification;
  alertId: string;
  alertIds: string[];
  objective: string | null;
  objectiveTarget: number;
  window: { start: string; end: string };
  baseline: { start: string; end: string };
  baselineNote: string;
  impact: {
    requests: number;
    badRequests: number;
    errorRatio: number;
    baselineErrorRatio: number | null;
    budgetBurned: number;
  };
  hypotheses: Hypothesis[];
  /** Absent or partly empty while the investigation runs or after it failed. */
  evidence: Partial<Evidence> | null;
  investigation?: Investigation;
  investigationMillis?: number | null;
  evidenceGatheredAt?: string | null;
  timeline: TimelineEntry[];
  actionItems: ActionItem[];
  postmortem: string;
}

/** One point of an SLO's burn-rate window series (`GET /api/v1/slos/{name}`). */
export interface BurnPoint {
  time: string;
  burnRate: number | null;
  good: number | null;
  total: number | null;
}

export interface SloDetail {
  slo: { name: string };
  burnRateSeries: {
    start: string;
    end: string;
    step: string;
    unsupported?: string;
    objectives: { displayName: string | null; target: number; windows: Record<string, BurnPoint[]> }[];
  };
}

const path = (id: string) => `/incidents/${encodeURIComponent(id)}`;

export const incidentPaths = {
  list: '/incidents',
  card: path,
  postmortem: (id: string) => `/api/v1${path(id)}/postmortem`,
};

export type LifecycleAction = 'ack' | 'mitigate' | 'resolve';

export const incidentApi = {
  lifecycle: (id: string, action: LifecycleAction, body: { by?: string; note?: string }) =>
    postJson<Incident>(`${path(id)}/${action}`, body),
  addActionItem: (id: string, body: { text: string; owner?: string }) =>
    postJson<Incident>(`${path(id)}/action-items`, body),
  setActionItemDone: (id: string, itemId: string, body: { done: boolean; by?: string }) =>
    postJson<Incident>(`${path(id)}/action-items/${encodeURIComponent(itemId)}`, body),
  postmortem: (id: string, signal?: AbortSignal) => getText(`${path(id)}/postmortem`, signal),
  slo: (name: string, q: { start: number; end: number; step: string }, signal?: AbortSignal) =>
    getJson<SloDetail>(`/slos/${encodeURIComponent(name)}`, q, signal),
};
