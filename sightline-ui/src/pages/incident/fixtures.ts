import type { Incident, IncidentListEntry, LogPattern, TraceRef } from '../../api/incidents';

/** Test fixtures shaped as docs/api.md "Incidents" (plus the fields added with issue 12). */
export function cardFixture(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-12a34e137c6d',
    slo: 'checkout-availability',
    service: 'frontend',
    severity: 'P0',
    status: 'open',
    openedAt: '2026-11-21T11:15:16.330103036Z',
    updatedAt: '2026-11-21T11:15:17.022528422Z',
    rootCause: {
      service: 'order',
      operation: 'Shop.OrderService.PlaceOrder',
      summary:
        'order Shop.OrderService.PlaceOrder fails (java.lang.NullPointerException: Cannot invoke "Cart.items()" because "cart" is null) in 100% of the bad traces; only with service.version=1.5.0 (100% of its bad spans vs 0% before); started with version 1.5.0',
      confidence: 1.0,
      attribute: 'service.version=1.5.0',
    },
    owner: 'team-shop',
    runbook: 'https://runbooks.example.com/checkout',
    respondBy: '2026-11-21T11:30:16.330103036Z',
    verification: {
      status: 'pending',
      trigger: null,
      from: null,
      checkedAt: null,
      sliAfter: null,
      sliBaseline: null,
      objective: 0.99,
      eventsAfter: 0,
      detail: 'waiting for a version change of an implicated service (a new version or a rollback) or the resolution',
    },
    alertId: 'checkout-availability/0@1795259716',
    alertIds: ['checkout-availability/0@1795259716'],
    objective: 'checkout ok',
    objectiveTarget: 0.99,
    window: { start: '2026-11-21T11:01:10Z', end: '2026-11-21T11:15:16.330103036Z' },
    baseline: { start: '2026-11-21T10:01:10Z', end: '2026-11-21T11:01:10Z' },
    baselineNote: 'baseline: 1 h before the incident window',
    impact: { requests: 361, badRequests: 191, errorRatio: 0.5290858725761773, baselineErrorRatio: 0.0, budgetBurned: 20.94298245614033 },
    hypotheses: [
      {
        service: 'order',
        operation: 'Shop.OrderService.PlaceOrder',
        kind: 'errors',
        attributeKey: 'service.version',
        attributeValue: '1.5.0',
        detail: 'order Shop.OrderService.PlaceOrder fails (java.lang.NullPointerException: ...) in 100% of the bad traces',
        confidence: 1.0,
        evidence: [
          'errors: 40 × java.lang.NullPointerException "Cannot invoke <*> because <*> is null" in order Shop.OrderService.PlaceOrder',
          'attribute: service.version=1.5.0 in 40/40 bad spans of order vs 0/40 baseline spans',
          'change: order 1.5.0 first seen at 2026-11-21T11:11:15.002Z (before: 1.4.2)',
          'trace: 00000000000000000000000000abc38f',
        ],
      },
    ],
    evidence: {
      baselineAvailable: true,
      badTraces: ['00000000000000000000000000abc38f'],
      baselineTraces: ['00000000000000000000000000abc227'],
      badTraceDetails: [traceRef('00000000000000000000000000abc38f', 2)],
      baselineTraceDetails: [traceRef('00000000000000000000000000abc227', 0)],
      criticalPath: [
        {
          operation: { service: 'order', name: 'Shop.OrderService.PlaceOrder' },
          badTraces: 40,
          baselineTraces: 40,
          badMeanMs: 26.0,
          baselineMeanMs: 26.0,
          badP50Ms: 26.0,
          baselineP50Ms: 26.0,
          deltaMs: 0.0,
          relativeDelta: 0.0,
          badShare: 0.8666666666666667,
          badSelfMeanMs: 26.0,
          baselineSelfMeanMs: 26.0,
          badErrorRate: 1.0,
          baselineErrorRate: 0.0,
        },
      ],
      attributes: [
        {
          service: 'order',
          difference: { key: 'service.version', resource: true, value: '1.5.0', badCount: 40, badTotal: 40, goodCount: 0, goodTotal: 40, badShare: 1.0, goodShare: 0.0, score: 1.0 },
        },
      ],
      errors: [
        {
          service: 'order',
          operation: 'Shop.OrderService.PlaceOrder',
          exceptionType: 'java.lang.NullPointerException',
          messageTemplate: 'Cannot invoke <*> because <*> is null',
          exampleMessage: 'Cannot invoke "Cart.items()" because "cart" is null',
          exampleStacktrace: 'java.lang.NullPointerException: Cannot invoke "Cart.items()"\n\tat shop.Order.place(Order.java:42)',
          count: 40,
          firstSeenUnixNano: 1795259660002000000,
          lastSeenUnixNano: 1795259713028000000,
          examples: [{ traceId: '00000000000000000000000000abc38f', spanId: '000000000000071f' }],
        },
      ],
      logPatterns: [logPattern(0)],
      changes: [{ service: 'order', version: '1.5.0', previousVersions: ['1.4.2'], firstSeenUnixNano: 1795259475002000000, spans: 240, note: null }],
      dependencies: [{ caller: null, service: 'order', baselineRate: 0.153, rate: 0.427, baselineErrorRatio: 0.0, errorRatio: 0.529, baselineP95Ms: 48.5, p95Ms: 48.5 }],
      logQueries: {
        'logs of trace 00000000000000000000000000abc38f': '/api/v1/logs?traceId=00000000000000000000000000abc38f',
        'warnings and errors of frontend in the window': '/api/v1/logs?service=frontend&severityMin=WARN&start=1795258870000&end=1795259716330',
      },
    },
    investigation: 'complete',
    investigationMillis: 565,
    evidenceGatheredAt: '2026-11-21T11:15:17.022528422Z',
    timeline: [
      { at: '2026-11-21T11:11:15.002Z', kind: 'change', text: 'order 1.5.0 first seen (deployment)' },
      { at: '2026-11-21T11:15:16.330103036Z', kind: 'alert-fired', text: 'alert checkout-availability fired (rule page-fast)' },
      { at: '2026-11-21T11:15:17.022528422Z', kind: 'opened', text: 'incident opened; evidence gathered in 565 ms' },
    ],
    actionItems: [],
    postmortem: '/api/v1/incidents/inc-12a34e137c6d/postmortem',
    ...overrides,
  };
}

export function traceRef(traceId: string, errorSpans: number, rootOperation = 'GET /checkout'): TraceRef {
  return { traceId, rootService: 'frontend', rootOperation, startUnixNano: 1795259713000000000, durationMs: 30.0, spans: 2, errorSpans };
}

export function logPattern(i: number): LogPattern {
  const traceId = `00000000000000000000000000abc${String(i).padStart(3, '0')}`;
  return {
    pattern: `payment declined for order <*> (${i})`,
    count: 12 + i,
    baselineCount: i % 3,
    new: i % 3 === 0,
    increased: i % 3 === 1,
    ratePerMinute: 0.86,
    baselineRatePerMinute: 0.0,
    ratio: i % 3 === 1 ? 4 : null,
    exampleTraceIds: [traceId],
    examples: [{ timeUnixNano: 1795259713010000000, traceId, spanId: '000000000000071f', service: 'order', body: 'payment declined for order 8812' }],
    severities: { ERROR: 12 },
  };
}

/** 40 bad + 40 baseline traces, 50 log patterns, 10 hypotheses (the card's size budget). */
export function largeCardFixture(): Incident {
  const base = cardFixture();
  const hex = (n: number) => n.toString(16).padStart(32, '0');
  const h0 = base.hypotheses[0]!;
  return {
    ...base,
    hypotheses: Array.from({ length: 10 }, (_, i) => ({ ...h0, service: `svc-${i}`, confidence: 1 - i / 10 })),
    evidence: {
      ...base.evidence,
      badTraceDetails: Array.from({ length: 40 }, (_, i) => traceRef(hex(1000 + i), 2, i % 2 ? 'GET /cart' : 'GET /checkout')),
      baselineTraceDetails: Array.from({ length: 40 }, (_, i) => traceRef(hex(2000 + i), 0, i % 2 ? 'GET /cart' : 'GET /checkout')),
      logPatterns: Array.from({ length: 50 }, (_, i) => logPattern(i)),
      criticalPath: Array.from({ length: 25 }, (_, i) => ({ ...base.evidence!.criticalPath![0]!, operation: { service: `svc-${i}`, name: `op ${i}` }, badMeanMs: 10 + i })),
    },
  };
}

export function listEntry(id: string, status: IncidentListEntry['status'], openedAt: string, severity = 'P0'): IncidentListEntry {
  const c = cardFixture();
  return {
    id,
    slo: c.slo,
    service: c.service,
    severity,
    status,
    openedAt,
    updatedAt: openedAt,
    rootCause: c.rootCause,
    owner: c.owner,
    runbook: c.runbook,
    respondBy: new Date(Date.parse(openedAt) + 15 * 60_000).toISOString(),
    verification: 'pending',
    investigation: 'complete',
  };
}
