import { describe, expect, it } from 'vitest';
import { allowedActions, baselineFor, countdown, formatSpan, investigationState, relativeTime, sliSeries } from './incident';

const NOW = Date.parse('2026-11-21T11:20:00Z');

describe('countdown', () => {
  it('counts down to respond-by and says overdue after it', () => {
    expect(countdown('2026-11-21T11:30:16.330103036Z', NOW)).toEqual({ text: '10m 16s left', overdue: false });
    expect(countdown('2026-11-21T11:17:00Z', NOW)).toEqual({ text: 'overdue by 3m 00s', overdue: true });
    expect(countdown('2026-11-21T11:20:00Z', NOW)).toEqual({ text: '0s left', overdue: false });
    expect(countdown('2026-11-21T08:00:00Z', NOW)).toEqual({ text: 'overdue by 3h 20m', overdue: true });
    expect(countdown('not a time', NOW)).toBeNull();
  });

  it('formats spans', () => {
    expect(formatSpan(45_900)).toBe('45s');
    expect(formatSpan(-65_000)).toBe('1m 05s');
    expect(formatSpan(3 * 86_400_000 + 3_600_000)).toBe('3d 1h');
  });
});

describe('relativeTime', () => {
  it('says how long ago', () => {
    expect(relativeTime('2026-11-21T11:19:58Z', NOW)).toBe('just now');
    expect(relativeTime('2026-11-21T11:15:16.330103036Z', NOW)).toBe('4m ago');
    expect(relativeTime('2026-11-21T08:00:00Z', NOW)).toBe('3h ago');
    expect(relativeTime('2026-11-19T08:00:00Z', NOW)).toBe('2d ago');
    expect(relativeTime('2026-11-21T11:25:00Z', NOW)).toBe('in 5m');
  });
});

describe('allowedActions', () => {
  it('follows the lifecycle', () => {
    expect(allowedActions('open')).toEqual({ ack: true, mitigate: true, resolve: true });
    expect(allowedActions('acknowledged')).toEqual({ ack: false, mitigate: true, resolve: true });
    expect(allowedActions('mitigated')).toEqual({ ack: false, mitigate: false, resolve: true });
    expect(allowedActions('resolved')).toEqual({ ack: false, mitigate: false, resolve: false });
  });
});

describe('investigationState', () => {
  it('reads running, complete and failed', () => {
    expect(investigationState('running')).toEqual({ state: 'running' });
    expect(investigationState('complete')).toEqual({ state: 'complete' });
    expect(investigationState(undefined)).toEqual({ state: 'complete' });
    expect(investigationState('failed: storage busy')).toEqual({ state: 'failed', reason: 'storage busy' });
  });
});

describe('baselineFor', () => {
  const ref = (traceId: string, rootOperation: string) => ({ traceId, rootService: 'frontend', rootOperation, startUnixNano: 0, durationMs: 1, spans: 1, errorSpans: 0 });
  it('prefers a baseline trace of the same root operation', () => {
    const m = baselineFor([ref('b1', 'GET /checkout'), ref('b2', 'GET /cart')], [ref('g1', 'GET /home'), ref('g2', 'GET /cart')]);
    expect(m.get('b1')).toBe('g1');
    expect(m.get('b2')).toBe('g2');
    expect(baselineFor([ref('b1', 'x')], []).get('b1')).toBeUndefined();
  });
});

describe('sliSeries', () => {
  it('divides good by total, null without events', () => {
    expect(sliSeries([
      { time: '2026-11-21T11:00:00Z', good: 99, total: 100 },
      { time: '2026-11-21T11:01:00Z', good: 0, total: 0 },
    ])).toEqual([{ t: Date.parse('2026-11-21T11:00:00Z') / 1000, sli: 0.99 }, { t: Date.parse('2026-11-21T11:01:00Z') / 1000, sli: null }]);
  });
});
