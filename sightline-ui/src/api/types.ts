/** The JSON the API answers, as docs/api.md describes it (only the fields the UI reads). */

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface Red {
  requests: number;
  errors: number;
  rate: number;
  errorRatio: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ServiceSummary extends Partial<Red> {
  name: string;
  operations: { name: string; spanKind: string }[];
}

export interface OperationRed extends Red {
  name: string;
  spanKind: string;
}

export interface RedPoint extends Red {
  timeUnixNano: number;
}

export interface RedSeries {
  service?: string;
  spanKinds: string[];
  start: number;
  end: number;
  stepSeconds: number;
  points: RedPoint[];
}

/** `/api/v1/red?groupBy=service`: one series per service. */
export interface RedByService {
  start: number;
  end: number;
  stepSeconds: number;
  series: { service: string; points: RedPoint[] }[];
}

export interface ServiceMapEdge extends Red {
  client: string;
  server: string;
  connection: 'request' | 'messaging';
  calls: number;
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startTimeUnixNano: number;
  durationNanos: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface SpanEvent {
  timeUnixNano: number;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  startTimeUnixNano: number;
  endTimeUnixNano: number;
  durationNanos: number;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version: string };
  events: SpanEvent[];
  links: SpanLink[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
}

export interface Trace {
  traceId: string;
  spans: Span[];
}

export interface LogRecord {
  timeUnixNano: number;
  observedTimeUnixNano: number;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  resource: Attributes;
  service: string;
  traceId: string;
  spanId: string;
}

export interface Exemplar {
  timeUnixNano: number;
  value: number;
  traceId: string;
  spanId: string;
}

export interface MetricPoint {
  startTimeUnixNano: number;
  timeUnixNano: number;
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  exemplars?: Exemplar[];
}

export interface MetricSeries {
  name: string;
  description: string;
  unit: string;
  type: 'GAUGE' | 'SUM' | 'HISTOGRAM' | 'EXPONENTIAL_HISTOGRAM' | 'SUMMARY';
  temporality: 'DELTA' | 'CUMULATIVE' | 'UNSPECIFIED';
  monotonic: boolean;
  service: string;
  attributes: Attributes;
  points: MetricPoint[];
}

export interface Alert {
  id: string;
  slo: string;
  state: 'firing' | 'resolved';
  severity: string;
}

export interface IncidentSummary {
  id: string;
  status: 'open' | 'acknowledged' | 'mitigated' | 'resolved';
}

/** `GET /api/v1/metrics/chart`: a metric's series ready to draw (the server derives rates and percentiles). */
export interface MetricChart {
  name: string;
  type: MetricSeries['type'];
  unit: string;
  description: string;
  /** `value` (gauges, non-monotonic sums), `rate` (monotonic sums, per second), `quantiles` (histograms). */
  display: 'value' | 'rate' | 'quantiles';
  series: MetricChartSeries[];
}

export interface MetricChartSeries {
  service: string;
  attributes: Attributes;
  points: { timeUnixNano: number; value?: number | null; p50?: number | null; p95?: number | null; p99?: number | null }[];
  exemplars: Exemplar[];
}
