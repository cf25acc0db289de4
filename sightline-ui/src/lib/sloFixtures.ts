import type { IncidentEntry, Slo, SloAlert, SloAnswer, SloListAnswer } from '../api/slos';

/**
 * Test fixtures shaped exactly like the examples of docs/api.md ("SLOs and alerts", "Incidents"),
 * with a few more SLOs for the other states. Only tests import this file.
 */

export const CHECKOUT: Slo = {
  name: 'checkout-availability',
  displayName: null,
  description: null,
  service: 'frontend',
  source: 'checkout.yaml',
  timeWindow: '30d',
  severity: 'P0',
  owner: 'team-shop',
  runbook: 'https://runbooks.example.com/checkout',
  respondWithin: '15m',
  status: 'evaluated',
  evaluatedAt: '2026-11-21T11:15:29.486487978Z',
  dataCoverageSeconds: 7200,
  objectives: [
    {
      displayName: 'checkout ok',
      target: 0.99,
      sli: 0.7905701754385965,
      good: 721.0,
      total: 912.0,
      budgetRemaining: -19.94298245614033,
      burnRates: {
        '5m': 76.70682730923689,
        '30m': 34.79052823315116,
        '1h': 21.012101210120992,
        '6h': 20.942982456140335,
        '3d': 20.942982456140335,
        '30d': 20.942982456140335,
      },
      rules: [
        { name: 'page-fast', severity: 'page', longWindow: '1h', shortWindow: '5m', threshold: 14.4, longBurnRate: 21.012101210120992, shortBurnRate: 76.70682730923689, enoughTraffic: true, requiredCoverage: '10m', warmingUp: false, fires: true },
        { name: 'page-slow', severity: 'page', longWindow: '6h', shortWindow: '30m', threshold: 6.0, longBurnRate: 20.942982456140335, shortBurnRate: 34.79052823315116, enoughTraffic: true, requiredCoverage: '1h', warmingUp: false, fires: true },
        { name: 'ticket', severity: 'ticket', longWindow: '3d', shortWindow: '6h', threshold: 1.0, longBurnRate: 20.942982456140335, shortBurnRate: 20.942982456140335, enoughTraffic: true, requiredCoverage: '12h', warmingUp: false, fires: true },
      ],
      alertState: 'firing',
      alertId: 'checkout-availability/0@1795259716',
    },
  ],
};

const LATENCY: Slo = {
  ...CHECKOUT,
  name: 'checkout-latency',
  source: 'api/checkout-latency.yaml',
  severity: 'P1',
  objectives: [0.99, 0.999].map((target) => ({
    displayName: null,
    target,
    sli: 0.9995,
    good: 9995,
    total: 10000,
    budgetRemaining: 0.42,
    burnRates: { '5m': 0.2, '1h': 0.5, '30d': 0.58 },
    rules: [],
    alertState: 'inactive' as const,
    alertId: null,
  })),
};

const PENDING: Slo = {
  name: 'new-slo',
  displayName: null,
  description: null,
  service: 'order',
  source: 'api/new-slo.yaml',
  timeWindow: '28d',
  severity: 'P1',
  owner: null,
  runbook: null,
  respondWithin: '1h',
  status: 'pending',
  objectives: [{ displayName: null, target: 0.99, alertState: 'inactive', alertId: null }],
};

const UNSUPPORTED: Slo = {
  ...PENDING,
  name: 'metric-slo',
  service: 'inventory',
  source: 'metric.yaml',
  status: 'unsupported',
  reason: 'signal: metrics is not supported yet',
};

export const SLO_LIST: SloListAnswer = {
  slos: [CHECKOUT, LATENCY, PENDING, UNSUPPORTED],
  problems: [
    {
      file: 'broken.yaml',
      line: 7,
      field: 'spec.budgetingMethod',
      message: "'Ocurrences' is not supported, only Occurrences (ratio of good events)",
      text: "broken.yaml:7: spec.budgetingMethod: 'Ocurrences' is not supported, only Occurrences (ratio of good events)",
    },
  ],
  evaluatedAt: '2026-11-21T11:15:29.486487978Z',
};

export const ALERTS: SloAlert[] = [
  {
    id: 'checkout-availability/0@1795259716',
    fingerprint: 'checkout-availability/0',
    slo: 'checkout-availability',
    objective: 'checkout ok',
    service: 'frontend',
    severity: 'P0',
    state: 'firing',
    rule: 'page-fast',
    ruleSeverity: 'page',
    since: '2026-11-21T11:15:16.330103036Z',
    resolvedAt: null,
    resolvedReason: null,
    updatedAt: '2026-11-21T11:15:23.283130199Z',
    burnRates: { '5m': 76.09561752988041, '30m': 34.66424682395641, '1h': 20.96597145993412, '6h': 20.942982456140335, '3d': 20.942982456140335, '30d': 20.942982456140335 },
    budgetRemaining: -19.94298245614033,
    currentBurnRates: { '5m': 76.70682730923689, '30m': 34.79052823315116, '1h': 21.012101210120992, '6h': 20.942982456140335, '3d': 20.942982456140335, '30d': 20.942982456140335 },
    currentBudgetRemaining: -19.94298245614033,
    runbook: 'https://runbooks.example.com/checkout',
    owner: 'team-shop',
    respondBy: '2026-11-21T11:30:16.330103036Z',
  },
  {
    id: 'checkout-availability/0@1795250000',
    fingerprint: 'checkout-availability/0',
    slo: 'checkout-availability',
    objective: 'checkout ok',
    service: 'frontend',
    severity: 'P0',
    state: 'resolved',
    rule: 'page-slow',
    ruleSeverity: 'page',
    since: '2026-11-21T08:33:20Z',
    resolvedAt: '2026-11-21T09:03:20.5Z',
    resolvedReason: null,
    updatedAt: '2026-11-21T09:03:20.5Z',
    burnRates: { '30m': 7.5, '6h': 6.2 },
    budgetRemaining: 0.61,
    currentBurnRates: { '30m': 0.5, '6h': 5.1 },
    currentBudgetRemaining: 0.6,
    runbook: null,
    owner: 'team-shop',
    respondBy: '2026-11-21T08:48:20Z',
  },
];

export const INCIDENTS: IncidentEntry[] = [
  {
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
    verification: 'pending',
    alertId: 'checkout-availability/0@1795250000',
    alertIds: ['checkout-availability/0@1795250000', 'checkout-availability/0@1795259716'],
  },
  {
    id: 'inc-7',
    slo: 'checkout-latency',
    service: 'frontend',
    severity: 'P1',
    status: 'acknowledged',
    openedAt: '2026-11-21T10:00:00Z',
    updatedAt: '2026-11-21T10:05:00Z',
    rootCause: null,
    owner: null,
    runbook: null,
    respondBy: '2026-11-21T11:00:00Z',
    verification: 'pending',
    alertId: 'checkout-latency/0@1795251600',
    alertIds: ['checkout-latency/0@1795251600'],
  },
  {
    id: 'inc-3',
    slo: 'checkout-latency',
    service: 'frontend',
    severity: 'P1',
    status: 'resolved',
    openedAt: '2026-11-20T10:00:00Z',
    updatedAt: '2026-11-20T12:00:00Z',
    rootCause: null,
    owner: null,
    runbook: null,
    respondBy: '2026-11-20T11:00:00Z',
    verification: 'verified',
    alertId: 'checkout-latency/0@1795165200',
    alertIds: ['checkout-latency/0@1795165200'],
  },
];

/** `GET /api/v1/slos/checkout-availability`: every window of its rules and its SLO window. */
export function sloAnswer(spec: string | null = 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: checkout-availability\n'): SloAnswer {
  const times = ['2026-11-21T11:12:30Z', '2026-11-21T11:13:30Z', '2026-11-21T11:14:30Z', '2026-11-21T11:15:30Z'];
  const series = (rates: number[]) => times.map((time, i) => ({ time, burnRate: rates[i]!, good: 58, total: 120 }));
  return {
    slo: CHECKOUT,
    spec,
    burnRateSeries: {
      start: '2026-11-21T11:12:30Z',
      end: '2026-11-21T11:15:30Z',
      step: '1m',
      objectives: [
        {
          displayName: 'checkout ok',
          target: 0.99,
          windows: {
            '5m': series([51.66666666666663, 66.07142857142851, 73.61111111111106, 76.70682730923689]),
            '30m': series([20, 25, 30, 34.79]),
            '1h': series([10, 14, 18, 21.01]),
            '6h': series([5, 10, 15, 20.94]),
            '3d': series([5, 10, 15, 20.94]),
            '30d': series([5, 10, 15, 20.94]),
          },
        },
      ],
    },
  };
}
