import type { Attributes } from '../api/types';

/** The waterfall's span filter (all fields optional; a span must match every given one). */
export interface SpanFilter {
  service: string;
  /** Case-insensitive substring of the span name. */
  name: string;
  /** `KEY` (present) or `KEY=VALUE` (equal as text), on span or resource attributes. */
  attribute: string;
  minDurationMs: string;
  errorsOnly: boolean;
}

export const NO_FILTER: SpanFilter = { service: '', name: '', attribute: '', minDurationMs: '', errorsOnly: false };

export interface FilterableSpan {
  service: string;
  name: string;
  durationNanos: number;
  status: { code: string };
  attributes: Attributes;
  resource: Attributes;
}

export function isFilterActive(f: SpanFilter): boolean {
  return f.service !== '' || f.name.trim() !== '' || f.attribute.trim() !== '' || f.minDurationMs.trim() !== '' || f.errorsOnly;
}

export function matchesFilter(span: FilterableSpan, f: SpanFilter): boolean {
  if (f.service !== '' && span.service !== f.service) return false;
  if (f.name.trim() !== '' && !span.name.toLowerCase().includes(f.name.trim().toLowerCase())) return false;
  if (f.errorsOnly && span.status.code !== 'ERROR') return false;
  const min = Number(f.minDurationMs);
  if (f.minDurationMs.trim() !== '' && Number.isFinite(min) && span.durationNanos < min * 1e6) return false;
  const attr = f.attribute.trim();
  if (attr !== '') {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim();
    const value = i < 0 ? null : attr.slice(i + 1).trim();
    const found = key in span.attributes ? span.attributes[key] : span.resource[key];
    if (found === undefined) return false;
    if (value !== null && attributeAsText(found) !== value) return false;
  }
  return true;
}

/** An attribute value as text, the way the trace search compares it. */
export function attributeAsText(value: unknown): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The type an attribute value was recorded with, as far as JSON tells it. */
export function attributeType(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'object') return 'map';
  return 'string';
}

/** A stable colour per service name (hue from a string hash). */
export function serviceColor(service: string): string {
  let h = 0;
  for (let i = 0; i < service.length; i++) h = (h * 31 + service.charCodeAt(i)) >>> 0;
  return `hsl(${h % 360} 60% 52%)`;
}

/** URL parameters of the span filter (on the trace page, beside `span`, `tab`, `critical`). */
const FILTER_PARAMS = {
  service: 'fService',
  name: 'fName',
  attribute: 'fAttr',
  minDurationMs: 'fMinMs',
} as const;

export function spanFilterFromParams(params: URLSearchParams): SpanFilter {
  return {
    service: params.get(FILTER_PARAMS.service) ?? '',
    name: params.get(FILTER_PARAMS.name) ?? '',
    attribute: params.get(FILTER_PARAMS.attribute) ?? '',
    minDurationMs: params.get(FILTER_PARAMS.minDurationMs) ?? '',
    errorsOnly: params.get('fErrors') === 'on',
  };
}

/** The filter as parameter changes for {@link withParams} (empty fields remove theirs). */
export function spanFilterChanges(f: SpanFilter): Record<string, string | null> {
  return {
    [FILTER_PARAMS.service]: f.service || null,
    [FILTER_PARAMS.name]: f.name || null,
    [FILTER_PARAMS.attribute]: f.attribute || null,
    [FILTER_PARAMS.minDurationMs]: f.minDurationMs || null,
    fErrors: f.errorsOnly ? 'on' : null,
  };
}
