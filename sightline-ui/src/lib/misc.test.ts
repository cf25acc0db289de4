import { describe, expect, it } from 'vitest';
import type { LogRecord, MetricChartSeries, TraceSummary } from '../api/types';
import { mergeNewest, nextPollStart } from './liveTail';
import { metricSeriesData, seriesLabel } from './metricChart';
import { scatterData } from './scatter';
import { sparklinePath } from './sparkline';
import { attributeType, matchesFilter, NO_FILTER } from './spanFilter';

const log = (t: number, body: string): LogRecord => ({
  timeUnixNano: t,
  observedTimeUnixNano: t,
  severityNumber: 9,
  severityText: 'INFO',
  body,
  attributes: {},
  resource: {},
  service: 's',
  traceId: '',
  spanId: '',
});

describe('live tail', () => {
  it('adds only records not shown yet, newest first, capped', () => {
    const shown = [log(2e6, 'b'), log(1e6, 'a')];
    const merged = mergeNewest(shown, [log(3e6, 'c'), log(2e6, 'b')], 3);
    expect(merged.map((l) => l.body)).toEqual(['c', 'b', 'a']);
    expect(mergeNewest(merged, [log(4e6, 'd')], 3).map((l) => l.body)).toEqual(['d', 'c', 'b']);
    expect(nextPollStart(merged, 99)).toBe(3);
    expect(nextPollStart([], 99)).toBe(99);
  });
});

describe('charts', () => {
  it('draws a sparkline with gaps and a flat zero line', () => {
    expect(sparklinePath([0, 10, null, 5], 30, 12)).toBe('M0 11L10 1M30 6');
    expect(sparklinePath([null, null], 30, 12)).toBe('');
    expect(sparklinePath([0, 0], 10, 10)).toBe('M0 9L10 9');
  });

  it('splits traces into ok and error scatter series in time order', () => {
    const t = (id: string, start: number, ms: number, errors: number) =>
      ({ traceId: id, startTimeUnixNano: start * 1e9, durationNanos: ms * 1e6, errorCount: errors }) as TraceSummary;
    const s = scatterData([t('b', 20, 300, 1), t('a', 10, 50, 0)]);
    expect(s.order.map((x) => x.traceId)).toEqual(['a', 'b']);
    expect(s.data).toEqual([[10, 20], [50, null], [null, 300]]);
  });

  it('merges exemplar times into the metric series x axis', () => {
    const series: MetricChartSeries = {
      service: 'order',
      attributes: { route: '/orders' },
      points: [
        { timeUnixNano: 10e9, p50: 1, p95: 2, p99: 3 },
        { timeUnixNano: 20e9, p50: 4, p95: 5, p99: null },
      ],
      exemplars: [{ timeUnixNano: 15e9, value: 2.5, traceId: 't', spanId: 's' }],
    };
    expect(metricSeriesData('quantiles', series)).toEqual([
      [10, 15, 20],
      [1, null, 4],
      [2, null, 5],
      [3, null, null],
      [null, 2.5, null],
    ]);
    // rates are per second, not measurements: their exemplars are not drawn on them
    expect(metricSeriesData('rate', { ...series, points: [{ timeUnixNano: 10e9, value: 0.5 }] })).toEqual([[10], [0.5], [null]]);
    expect(seriesLabel(series)).toBe('order · route=/orders');
  });
});

describe('span filter', () => {
  const span = {
    service: 'payment',
    name: 'Charge',
    durationNanos: 120e6,
    status: { code: 'ERROR' },
    attributes: { 'card.type': 'visa', retries: 2 },
    resource: { 'service.version': '1.2.0' },
  };
  it('matches every given field', () => {
    expect(matchesFilter(span, NO_FILTER)).toBe(true);
    expect(matchesFilter(span, { ...NO_FILTER, service: 'payment', name: 'char', errorsOnly: true })).toBe(true);
    expect(matchesFilter(span, { ...NO_FILTER, service: 'order' })).toBe(false);
    expect(matchesFilter(span, { ...NO_FILTER, minDurationMs: '121' })).toBe(false);
    expect(matchesFilter(span, { ...NO_FILTER, attribute: 'retries=2' })).toBe(true);
    expect(matchesFilter(span, { ...NO_FILTER, attribute: 'service.version=1.2.0' })).toBe(true);
    expect(matchesFilter(span, { ...NO_FILTER, attribute: 'card.type=amex' })).toBe(false);
    expect(matchesFilter(span, { ...NO_FILTER, attribute: 'missing' })).toBe(false);
  });
  it('names attribute types', () => {
    expect([1, 1.5, true, 'x', [1], { a: 1 }, null].map(attributeType)).toEqual(['int', 'double', 'bool', 'string', 'array', 'map', 'empty']);
  });
});

describe('span filter in the URL', () => {
  it('round-trips through withParams', async () => {
    const { spanFilterChanges, spanFilterFromParams } = await import('./spanFilter');
    const { withParams } = await import('./router');
    const filter = { service: 'payment', name: 'char', attribute: 'card.type=visa', minDurationMs: '5', errorsOnly: true };
    const loc = { path: '/traces/abc', params: new URLSearchParams('span=1&fName=old') };
    const url = withParams(spanFilterChanges(filter), loc);
    expect(spanFilterFromParams(new URL(url, 'http://x').searchParams)).toEqual(filter);
    const cleared = withParams(spanFilterChanges(NO_FILTER), { path: loc.path, params: new URL(url, 'http://x').searchParams });
    expect(cleared).toBe('/traces/abc?span=1');
  });
});
