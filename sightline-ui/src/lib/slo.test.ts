import { describe, expect, it } from 'vitest';
import type { BurnRatePoint, IncidentEntry, ServiceVersion, SloAlert, SloListAnswer } from '../api/slos';
import { ALERTS, INCIDENTS, SLO_LIST } from './sloFixtures';
import {
  annotationLanes,
  budgetBar,
  burndown,
  burnRateList,
  distinctServices,
  filterSloRows,
  formatBudget,
  formatBudgetAxis,
  formatBurnRate,
  formatCountdown,
  formatRelative,
  formatSli,
  incidentOfAlert,
  openIncidents,
  parseTime,
  ruleChartData,
  seriesStep,
  sliChartData,
  sloAnnotations,
  sloRows,
  sortSloRows,
  timeToX,
  windowMs,
  windowThreshold,
  withDependencies,
} from './slo';

const point = (time: string, burnRate: number | null, good = 0, total = 0): BurnRatePoint => ({ time, burnRate, good, total });

describe('parseTime', () => {
  it('reads RFC 3339 with nanoseconds (cut to milliseconds) and without a fraction', () => {
    expect(parseTime('2026-11-21T11:15:29.486487978Z')).toBe(Date.UTC(2026, 10, 21, 11, 15, 29, 486));
    expect(parseTime('2026-11-21T11:15:30Z')).toBe(Date.UTC(2026, 10, 21, 11, 15, 30));
  });
});

describe('SLO list rows and filters', () => {
  const rows = sloRows(SLO_LIST);
  it('has one row per objective with its state', () => {
    expect(rows.map((r) => [r.slo.name, r.index, r.state])).toEqual([
      ['checkout-availability', 0, 'firing'],
      ['checkout-latency', 0, 'ok'],
      ['checkout-latency', 1, 'ok'],
      ['new-slo', 0, 'pending'],
      ['metric-slo', 0, 'unsupported'],
    ]);
  });
  it('filters by service and state (empty: any), as the URL says', () => {
    expect(filterSloRows(rows, { service: '', state: '' })).toHaveLength(5);
    expect(filterSloRows(rows, { service: 'frontend', state: '' }).map((r) => r.key)).toEqual([
      'checkout-availability/0',
      'checkout-latency/0',
      'checkout-latency/1',
    ]);
    expect(filterSloRows(rows, { service: 'frontend', state: 'firing' }).map((r) => r.key)).toEqual(['checkout-availability/0']);
    expect(filterSloRows(rows, { service: '', state: 'unsupported' }).map((r) => r.slo.name)).toEqual(['metric-slo']);
    expect(filterSloRows(rows, { service: 'nope', state: '' })).toEqual([]);
  });
  it('lists services once, sorted, and sorts firing rows first', () => {
    expect(distinctServices(SLO_LIST.slos)).toEqual(['frontend', 'inventory', 'order']);
    const shuffled = [...rows].reverse();
    expect(sortSloRows(shuffled).map((r) => r.state)).toEqual(['firing', 'pending', 'ok', 'ok', 'unsupported']);
  });
  it('an empty answer has no rows', () => {
    const empty: SloListAnswer = { slos: [], problems: [], evaluatedAt: null };
    expect(sloRows(empty)).toEqual([]);
  });
});

describe('error budget', () => {
  it('fills the bar by what is left and flags an overspent budget', () => {
    expect(budgetBar(0.42)).toEqual({ fraction: 0.42, overspent: false, label: '42% left' });
    expect(budgetBar(1)).toEqual({ fraction: 1, overspent: false, label: '100% left' });
    expect(budgetBar(-19.94298245614033)).toEqual({ fraction: 0, overspent: true, label: 'overspent by 1994%' });
    expect(budgetBar(0)).toEqual({ fraction: 0, overspent: false, label: '0% left' });
    expect(budgetBar(null)).toBeNull();
    expect(budgetBar(undefined)).toBeNull();
  });
  it('formats budgets, burn rates and SLIs', () => {
    expect(formatBudget(0.005)).toBe('0.5%');
    expect(formatBudgetAxis(-50)).toBe('-5k%');
    expect(formatBudgetAxis(-1.25)).toBe('-125%');
    expect(formatBurnRate(76.70682730923689)).toBe('76.7×');
    expect(formatBurnRate(0.4213)).toBe('0.421×');
    expect(formatBurnRate(120.4)).toBe('120×');
    expect(formatBurnRate(null)).toBe('–');
    expect(formatSli(0.999)).toBe('99.9%');
    expect(formatSli(0.9995)).toBe('99.95%');
    expect(formatSli(0.7905701754385965)).toBe('79.06%');
    expect(formatSli(1)).toBe('100%');
    expect(formatSli(undefined)).toBe('–');
  });
  it('knows the smallest threshold of the rules on a window', () => {
    const rules = SLO_LIST.slos[0]!.objectives[0]!.rules;
    expect(windowThreshold(rules, '5m')).toBe(14.4);
    expect(windowThreshold(rules, '6h')).toBe(1); // page-slow's long (6) and ticket's short (1)
    expect(windowThreshold(rules, '30d')).toBeNull();
  });
  it('orders burn rates by window length, not by text', () => {
    expect(burnRateList({ '30d': 1, '1h': 2, '5m': 3, '6h': 4, '3d': 5, '30m': 6 }).map((w) => w.window)).toEqual([
      '5m',
      '30m',
      '1h',
      '6h',
      '3d',
      '30d',
    ]);
  });
});

describe('chart data', () => {
  const windows = {
    '5m': [point('2026-11-21T11:13:30Z', 10), point('2026-11-21T11:14:30Z', 50), point('2026-11-21T11:15:30Z', 76.7)],
    '1h': [point('2026-11-21T11:13:30Z', 2), point('2026-11-21T11:14:30Z', null), point('2026-11-21T11:15:30Z', 21)],
  };
  it('puts a rule’s long and short window and its threshold on one time axis', () => {
    const [x, long, short, threshold] = ruleChartData(windows, { longWindow: '1h', shortWindow: '5m', threshold: 14.4 });
    const t0 = Date.UTC(2026, 10, 21, 11, 13, 30) / 1000;
    expect(x).toEqual([t0, t0 + 60, t0 + 120]);
    expect(long).toEqual([2, null, 21]);
    expect(short).toEqual([10, 50, 76.7]);
    expect(threshold).toEqual([14.4, 14.4, 14.4]);
  });
  it('leaves a window the series lacks empty instead of failing', () => {
    const [x, long, short] = ruleChartData(windows, { longWindow: '3d', shortWindow: '5m', threshold: 1 });
    expect(x).toHaveLength(3);
    expect(long).toEqual([null, null, null]);
    expect(short).toHaveLength(3);
  });
  it('derives the SLI (good / total, null without events) and the target line', () => {
    const short = [point('2026-11-21T11:14:30Z', 0, 58, 120), point('2026-11-21T11:15:30Z', null, 0, 0)];
    const long = [point('2026-11-21T11:14:30Z', 0, 900, 1000), point('2026-11-21T11:15:30Z', 0, 950, 1000)];
    const [x, a, b, target] = sliChartData(short, long, 0.99);
    expect(x).toHaveLength(2);
    expect(a).toEqual([58 / 120, null]);
    expect(b).toEqual([0.9, 0.95]);
    expect(target).toEqual([0.99, 0.99]);
  });
  it('derives the budget burndown as 1 − the SLO-window burn rate', () => {
    const [x, remaining, zero] = burndown([
      point('2026-11-20T00:00:00Z', 0),
      point('2026-11-20T01:00:00Z', 0.25),
      point('2026-11-20T02:00:00Z', null),
      point('2026-11-20T03:00:00Z', 20.94),
    ]);
    expect(x[1]! - x[0]!).toBe(3600);
    expect(remaining[0]).toBe(1);
    expect(remaining[1]).toBe(0.75);
    expect(remaining[2]).toBeNull();
    expect(remaining[3]).toBeCloseTo(-19.94);
    expect(zero).toEqual([0, 0, 0, 0]);
  });
  it('picks a coarse step the API accepts', () => {
    expect(seriesStep(6 * 3_600_000)).toBe('1m');
    expect(seriesStep(15 * 60_000)).toBe('10s');
    expect(seriesStep(24 * 3_600_000)).toBe('5m');
    expect(seriesStep(30 * 86_400_000, 720)).toBe('1h');
    expect(seriesStep(28 * 86_400_000, 720)).toBe('1h');
    expect(seriesStep(3650 * 86_400_000, 720)).toBe('1d');
  });
  it('picks a step the server can compute for the longest window', () => {
    const day = 86_400_000;
    expect(seriesStep(3_600_000, 360, 30 * day)).toBe('30s'); // 10 s: 259,560 slots > 200,000
    expect(seriesStep(15 * 60_000, 360, 30 * day)).toBe('30s');
    expect(seriesStep(15 * 60_000, 360, 7 * day)).toBe('10s');
    expect(seriesStep(6 * 3_600_000, 360, 30 * day)).toBe('1m');
    // no step fits a window that is no multiple of 10 s: the coarsest (the server says why)
    expect(seriesStep(3_600_000, 360, 30 * day + 10_000)).toBe('1d');
  });
  it('reads window labels', () => {
    expect(windowMs('5m')).toBe(300_000);
    expect(windowMs('30d')).toBe(30 * 86_400_000);
    expect(windowMs('1h30m')).toBe(5_400_000);
    expect(windowMs('soon')).toBeNull();
    expect(windowMs('5x')).toBeNull();
  });
});

describe('annotations', () => {
  const versions: ServiceVersion[] = [
    { version: '1.5.0', firstSeenUnixNano: 1795259475002000000, lastSeenUnixNano: 1795259713000000000, spans: 240 },
    { version: '1.4.2', firstSeenUnixNano: 1795255000000000000, lastSeenUnixNano: 1795259400000000000, spans: 4000 },
  ];
  it('marks alerts fired and resolved and versions after the first one, in time order', () => {
    const a = sloAnnotations(ALERTS, [{ service: 'order', versions }]);
    expect(a.map((x) => [x.kind, x.short])).toEqual([
      ['alert-fired', 'fired'],
      ['alert-resolved', 'resolved'],
      ['version', 'order 1.5.0'],
      ['alert-fired', 'fired'],
    ]);
    expect(a[2]!.x).toBeCloseTo(1795259475.002, 3);
    expect(a[2]!.label).toBe('order 1.5.0 first seen (before: 1.4.2)');
    expect(a[0]!.label).toContain('rule page-slow');
    expect(a[3]!.label).toContain('rule page-fast');
  });
  it('marks no change for a single version or none', () => {
    expect(sloAnnotations([], [{ service: 'frontend', versions: versions.slice(0, 1) }, { service: 'order', versions: [] }])).toEqual([]);
    expect(sloAnnotations([], [])).toEqual([]);
  });
  it('follows the service map to the services an SLO’s service calls', () => {
    const edges = [
      { client: 'frontend', server: 'order' },
      { client: 'order', server: 'payment' },
      { client: 'order', server: 'inventory' },
      { client: 'payment', server: 'order' }, // a cycle
      { client: 'batch', server: 'order' }, // a caller, not a dependency
    ];
    expect(withDependencies('frontend', edges)).toEqual(['frontend', 'order', 'inventory', 'payment']);
    expect(withDependencies('payment', edges)).toEqual(['payment', 'order', 'inventory']);
    expect(withDependencies('frontend', edges, 2)).toEqual(['frontend', 'order']);
    expect(withDependencies('lonely', [])).toEqual(['lonely']);
  });
  it('maps a time to x inside the plot and nothing outside it', () => {
    expect(timeToX(150, 100, 200, 400)).toBe(200);
    expect(timeToX(100, 100, 200, 400)).toBe(0);
    expect(timeToX(200, 100, 200, 400)).toBe(400);
    expect(timeToX(99, 100, 200, 400)).toBeNull();
    expect(timeToX(201, 100, 200, 400)).toBeNull();
    expect(timeToX(150, 200, 200, 400)).toBeNull();
  });
  it('stacks labels that would overlap into lanes', () => {
    const lanes = (xs: number[], width?: number) => annotationLanes(xs, 64, width).map((p) => p.lane);
    expect(lanes([0, 100, 200])).toEqual([0, 0, 0]);
    expect(lanes([0, 10, 20, 30, 40, 200])).toEqual([0, 1, 2, 3, 3, 0]);
    expect(lanes([0, 70, 80])).toEqual([0, 0, 1]);
    // near the right edge labels go left of their line, and still do not overlap
    expect(annotationLanes([100, 390, 395], 64, 400)).toEqual([
      { lane: 0, flip: false },
      { lane: 0, flip: true },
      { lane: 1, flip: true },
    ]);
  });
});

describe('alerts, incidents and times', () => {
  it('finds the incident of an alert by its alert ids', () => {
    expect(incidentOfAlert(INCIDENTS, 'checkout-availability/0@1795259716')?.id).toBe('inc-12a34e137c6d');
    expect(incidentOfAlert(INCIDENTS, 'checkout-availability/0@1795250000')?.id).toBe('inc-12a34e137c6d');
    expect(incidentOfAlert(INCIDENTS, 'other/0@1')).toBeUndefined();
    expect(incidentOfAlert(undefined, 'x')).toBeUndefined();
    expect(incidentOfAlert(INCIDENTS, null)).toBeUndefined();
    const old: IncidentEntry[] = [{ ...INCIDENTS[0]!, alertIds: undefined, alertId: 'a/0@1' }];
    expect(incidentOfAlert(old, 'a/0@1')?.id).toBe('inc-12a34e137c6d');
  });
  it('keeps the incidents not resolved', () => {
    expect(openIncidents(INCIDENTS).map((i) => i.id)).toEqual(['inc-12a34e137c6d', 'inc-7']);
  });
  it('writes times relative to now and respond-by countdowns', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    expect(formatRelative(now - 5_000, now)).toBe('just now');
    expect(formatRelative(now - 45_000, now)).toBe('45s ago');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatRelative(now - 125 * 60_000, now)).toBe('2h 5m ago');
    expect(formatRelative(now - 3 * 86_400_000 - 4 * 3_600_000, now)).toBe('3d 4h ago');
    expect(formatRelative(now + 12 * 60_000, now)).toBe('in 12m');
    expect(formatCountdown(now + 12 * 60_000, now)).toEqual({ text: 'in 12m', overdue: false });
    expect(formatCountdown(now - 3 * 60_000, now)).toEqual({ text: 'overdue by 3m', overdue: true });
  });
  it('the fixtures are shaped like docs/api.md', () => {
    const alert: SloAlert = ALERTS[0]!;
    expect(Object.keys(alert)).toEqual([
      'id',
      'fingerprint',
      'slo',
      'objective',
      'service',
      'severity',
      'state',
      'rule',
      'ruleSeverity',
      'since',
      'resolvedAt',
      'resolvedReason',
      'updatedAt',
      'burnRates',
      'budgetRemaining',
      'currentBurnRates',
      'currentBudgetRemaining',
      'runbook',
      'owner',
      'respondBy',
    ]);
  });
});
