import { getJson } from './client';
import type {
  Alert,
  IncidentSummary,
  LogRecord,
  MetricChart,
  OperationRed,
  RedByService,
  RedSeries,
  ServiceMapEdge,
  ServiceSummary,
  Trace,
  TraceSummary,
} from './types';
import type { ResolvedRange } from '../lib/timeRange';

/** Typed calls of the endpoints in docs/api.md; every page goes through these. */
const window = (r: ResolvedRange) => ({ start: r.startMs, end: r.endMs });

export const api = {
  services: (r: ResolvedRange, signal?: AbortSignal) =>
    getJson<{ services: ServiceSummary[] }>('/services', window(r), signal),
  operations: (service: string, r: ResolvedRange, signal?: AbortSignal) =>
    getJson<{ operations: OperationRed[] }>(
      `/services/${encodeURIComponent(service)}/operations`,
      window(r),
      signal,
    ),
  red: (
    q: { service?: string; operation?: string; step?: string },
    r: ResolvedRange,
    signal?: AbortSignal,
  ) => getJson<RedSeries>('/red', { ...q, ...window(r) }, signal),
  redByService: (r: ResolvedRange, signal?: AbortSignal) =>
    getJson<RedByService>('/red', { groupBy: 'service', ...window(r) }, signal),
  serviceMap: (r: ResolvedRange, signal?: AbortSignal) =>
    getJson<{ edges: ServiceMapEdge[] }>('/service-map', window(r), signal),
  searchTraces: (query: URLSearchParams, r: ResolvedRange, limit: number, signal?: AbortSignal) =>
    getJson<{ traces: TraceSummary[] }>(
      '/traces',
      { q: [...query.entries()], limit, ...window(r) },
      signal,
    ),
  trace: (traceId: string, signal?: AbortSignal) =>
    getJson<Trace>(`/traces/${encodeURIComponent(traceId)}`, {}, signal),
  logs: (
    q: { service?: string; severityMin?: string; q?: string; traceId?: string; spanId?: string },
    r: ResolvedRange,
    limit: number,
    signal?: AbortSignal,
  ) => getJson<{ logs: LogRecord[] }>('/logs', { ...q, limit, ...window(r) }, signal),
  metricNames: (r: ResolvedRange, signal?: AbortSignal) =>
    getJson<{ names: string[] }>('/metrics/names', window(r), signal),
  metricChart: (q: { name: string; service?: string }, r: ResolvedRange, signal?: AbortSignal) =>
    getJson<MetricChart>('/metrics/chart', { ...q, ...window(r) }, signal),
  alerts: (state: 'firing' | 'resolved', signal?: AbortSignal) =>
    getJson<{ alerts: Alert[] }>('/alerts', { state }, signal),
  incidents: (status: IncidentSummary['status'] | undefined, signal?: AbortSignal) =>
    getJson<{ incidents: IncidentSummary[] }>('/incidents', { status }, signal),
};
