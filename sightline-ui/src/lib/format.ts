/** Human formatting of durations, times, rates and ratios: pure, unit-tested. */

const NS_PER_MS = 1_000_000;

/** A duration in nanoseconds as `850 µs`, `41.2 ms`, `1.25 s`, `2m 5s`, `1h 2m`. */
export function formatDuration(nanos: number): string {
  if (!Number.isFinite(nanos)) return '–';
  const abs = Math.abs(nanos);
  const sign = nanos < 0 ? '-' : '';
  if (abs < 1_000) return `${sign}${Math.round(abs)} ns`;
  if (abs < NS_PER_MS) return `${sign}${trim(abs / 1_000)} µs`;
  if (abs < 1_000 * NS_PER_MS) return `${sign}${trim(abs / NS_PER_MS)} ms`;
  const seconds = abs / 1e9;
  if (seconds < 60) return `${sign}${trim(seconds)} s`;
  const totalSeconds = Math.round(seconds);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${sign}${h}h ${m}m` : `${sign}${m}m ${s}s`;
}

/** A duration in milliseconds (as the RED fields give it), formatted like {@link formatDuration}. */
export function formatMs(ms: number | null | undefined): string {
  return ms == null ? '–' : formatDuration(ms * NS_PER_MS);
}

/** Three significant digits at most, no trailing zeros: 41.2, 1.25, 312. */
function trim(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/** Unix nanoseconds as a local date and time with milliseconds: `2026-12-03 15:04:05.123`. */
export function formatTimestamp(nanos: number, timeZone?: string): string {
  const d = new Date(Math.floor(nanos / NS_PER_MS));
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}.${ms}`;
}

/** Requests per second: `12.3/s`, `0.05/s`, `0/s`. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond == null) return '–';
  if (perSecond === 0) return '0/s';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${Number(perSecond.toFixed(1))}/s`;
  return `${Number(perSecond.toPrecision(2))}/s`;
}

/** A ratio 0..1 as a percentage: `2.5%`, `0%`, `<0.01%` for tiny non-zero values. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null) return '–';
  if (ratio === 0) return '0%';
  const pct = ratio * 100;
  if (pct < 0.01) return '<0.01%';
  return `${Number(pct.toPrecision(pct >= 10 ? 3 : 2))}%`;
}
