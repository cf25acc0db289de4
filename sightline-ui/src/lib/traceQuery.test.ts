import { describe, expect, it } from 'vitest';
import { parseAttributeText, traceQueryFromParams, traceQueryToParams, type TraceQuery } from './traceQuery';
import { withParams, linkWithRange } from './router';

describe('trace search URL state', () => {
  it('round-trips every field, attributes included, in a stable order', () => {
    const query: TraceQuery = {
      service: 'frontend',
      operation: 'GET /checkout',
      status: 'error',
      minDurationMs: '100',
      maxDurationMs: '2500.5',
      attributes: [
        ['http.route', '/checkout'],
        ['user.tier', 'gold=vip'],
      ],
    };
    const url = traceQueryToParams(query).toString();
    expect(url).toBe(
      'service=frontend&operation=GET+%2Fcheckout&status=error&minDurationMs=100&maxDurationMs=2500.5&attr.http.route=%2Fcheckout&attr.user.tier=gold%3Dvip',
    );
    expect(traceQueryFromParams(new URLSearchParams(url))).toEqual(query);
  });

  it('leaves empty fields out and ignores unknown status values', () => {
    const q = traceQueryFromParams(new URLSearchParams('status=weird&start=now-1h&attr.=x'));
    expect(q.status).toBe('');
    expect(q.attributes).toEqual([]);
    expect(traceQueryToParams(q).toString()).toBe('');
  });

  it('parses KEY=VALUE lines of the attribute box', () => {
    expect(parseAttributeText('a=1\n  b = two words \nnot-a-pair\nc=x=y')).toEqual([
      ['a', '1'],
      ['b', 'two words'],
      ['c', 'x=y'],
    ]);
  });
});

describe('links', () => {
  const loc = { path: '/traces', params: new URLSearchParams('service=a&start=now-6h&refresh=on') };
  it('sets and removes parameters on the current path', () => {
    expect(withParams({ service: 'b', operation: 'x' }, loc)).toBe('/traces?service=b&start=now-6h&refresh=on&operation=x');
    expect(withParams({ service: null, start: '' }, loc)).toBe('/traces?refresh=on');
  });
  it('carries only the time range to other pages', () => {
    expect(linkWithRange('/logs', loc.params, { traceId: 'abc' })).toBe('/logs?start=now-6h&refresh=on&traceId=abc');
    expect(linkWithRange('/', new URLSearchParams())).toBe('/');
  });
});
