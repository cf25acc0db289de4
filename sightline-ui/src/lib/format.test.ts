import { describe, expect, it } from 'vitest';
import { formatDuration, formatMs, formatPercent, formatRate, formatTimestamp } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0 ns'],
    [850, '850 ns'],
    [850_000, '850 µs'],
    [1_500, '1.5 µs'],
    [41_200_000, '41.2 ms'],
    [312_000_000, '312 ms'],
    [1_250_000_000, '1.25 s'],
    [59_400_000_000, '59.4 s'],
    [125_000_000_000, '2m 5s'],
    [3_720_000_000_000, '1h 2m'],
    [-2_000_000, '-2 ms'],
    [Number.NaN, '–'],
  ])('%d ns is %s', (nanos, text) => expect(formatDuration(nanos)).toBe(text));

  it('formats milliseconds and missing values', () => {
    expect(formatMs(41.2)).toBe('41.2 ms');
    expect(formatMs(null)).toBe('–');
  });
});

describe('formatTimestamp', () => {
  it('writes date, time and milliseconds in the given zone', () => {
    expect(formatTimestamp(Date.UTC(2026, 11, 3, 15, 4, 5, 123) * 1e6, 'UTC')).toBe('2026-12-03 15:04:05.123');
    expect(formatTimestamp(Date.UTC(2026, 11, 3, 23, 30, 0, 7) * 1e6, 'Europe/Berlin')).toBe('2026-12-04 00:30:00.007');
  });
});

describe('rates and ratios', () => {
  it.each([
    [0, '0/s'],
    [0.0512, '0.051/s'],
    [1.26, '1.3/s'],
    [345.6, '346/s'],
  ])('rate %d is %s', (v, text) => expect(formatRate(v)).toBe(text));
  it.each([
    [0, '0%'],
    [0.025, '2.5%'],
    [0.5, '50%'],
    [0.00001, '<0.01%'],
    [null, '–'],
  ])('ratio %s is %s', (v, text) => expect(formatPercent(v)).toBe(text));
});
