import { describe, expect, it } from 'vitest';
import { describeRange, isRelative, rangeFromParams, resolveRange, resolveTime } from './timeRange';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

describe('time range', () => {
  it('resolves relative, epoch-millisecond and RFC 3339 times', () => {
    expect(resolveTime('now', NOW)).toBe(NOW);
    expect(resolveTime('now-15m', NOW)).toBe(NOW - 900_000);
    expect(resolveTime('now-24h', NOW)).toBe(NOW - 86_400_000);
    expect(resolveTime('now-2d', NOW)).toBe(NOW - 2 * 86_400_000);
    expect(resolveTime('1764763200000', NOW)).toBe(1764763200000);
    expect(resolveTime('2026-12-03T11:00:00Z', NOW)).toBe(NOW - 3_600_000);
    expect(resolveTime('yesterday', NOW)).toBeNull();
    expect(resolveTime('now-5y', NOW)).toBeNull();
  });

  it('falls back to the last hour for invalid or inverted ranges', () => {
    expect(resolveRange({ start: 'now-6h', end: 'now' }, NOW)).toEqual({ startMs: NOW - 21_600_000, endMs: NOW });
    expect(resolveRange({ start: 'garbage', end: 'now' }, NOW)).toEqual({ startMs: NOW - 3_600_000, endMs: NOW });
    expect(resolveRange({ start: 'now', end: 'now-1h' }, NOW)).toEqual({ startMs: NOW - 3_600_000, endMs: NOW });
  });

  it('reads the URL with defaults and round-trips through it', () => {
    expect(rangeFromParams(new URLSearchParams(''))).toEqual({ start: 'now-1h', end: 'now' });
    const range = { start: '1764763200000', end: '1764766800000' };
    const params = new URLSearchParams(range);
    expect(rangeFromParams(new URLSearchParams(params.toString()))).toEqual(range);
    expect(isRelative(range)).toBe(false);
    expect(isRelative({ start: 'now-15m', end: 'now' })).toBe(true);
  });

  it('names known relative ranges', () => {
    expect(describeRange({ start: 'now-15m', end: 'now' })).toBe('Last 15 minutes');
    expect(describeRange({ start: 'now-3h', end: 'now' })).toBe('now-3h → now');
  });
});
