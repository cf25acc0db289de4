import { describe, expect, it } from 'vitest';
import { compareTraces, criticalPathSteps, groupOperations, type CompareSpan } from './traceCompare';

const MS = 1_000_000;
function span(spanId: string, parentSpanId: string, service: string, name: string, startMs: number, endMs: number, error = false): CompareSpan {
  return { spanId, parentSpanId, service, name, startTimeUnixNano: startMs * MS, endTimeUnixNano: endMs * MS, status: { code: error ? 'ERROR' : 'UNSET' } };
}

// A: frontend GET (0-100) → order Place (10-60) → db query (20-40), plus cache get (65-70)
const A = [
  span('a1', '', 'frontend', 'GET /checkout', 0, 100),
  span('a2', 'a1', 'order', 'Place', 10, 60),
  span('a3', 'a2', 'db', 'query', 20, 40),
  span('a4', 'a1', 'cache', 'get', 65, 70),
];
// B: the same without the cache, a slower order with two db queries and a new payment call
const B = [
  span('b1', '', 'frontend', 'GET /checkout', 0, 300),
  span('b2', 'b1', 'order', 'Place', 10, 290, true),
  span('b3', 'b2', 'db', 'query', 20, 40),
  span('b4', 'b2', 'db', 'query', 30, 50),
  span('b5', 'b2', 'payment', 'Charge', 60, 280, true),
];

describe('groupOperations', () => {
  it('counts spans and sums total and self time', () => {
    const ops = groupOperations(B);
    const order = ops.get('order\u0000Place')!;
    expect(order.count).toBe(1);
    expect(order.totalNanos).toBe(280 * MS);
    // children cover 20-50 (overlapping queries merged) and 60-280: 250 ms; self 30 ms
    expect(order.selfNanos).toBe(30 * MS);
    expect(order.errors).toBe(1);
    const db = ops.get('db\u0000query')!;
    expect(db.count).toBe(2);
    expect(db.totalNanos).toBe(40 * MS);
  });

  it('counts a duplicated span once and clips children to the parent', () => {
    const ops = groupOperations([span('p', '', 's', 'p', 0, 10), span('c', 'p', 's', 'c', 5, 50), span('c', 'p', 's', 'c', 5, 50)]);
    expect(ops.get('s\u0000c')!.count).toBe(1);
    expect(ops.get('s\u0000p')!.selfNanos).toBe(5 * MS);
  });
});

describe('compareTraces', () => {
  it('splits operations into only-A, only-B and both, sorted by |delta|', () => {
    const c = compareTraces(A, B);
    expect(c.onlyA.map((o) => o.service)).toEqual(['cache']);
    expect(c.onlyB.map((o) => o.service)).toEqual(['payment']);
    expect(c.both.map((d) => `${d.service} ${d.name} ${d.deltaNanos / MS}`)).toEqual([
      'order Place 230',
      'frontend GET /checkout 200',
      'db query 20',
    ]);
    expect(c.maxAbsDelta).toBe(230 * MS);
    expect(c.both[0]!.selfDeltaNanos).toBe((30 - 30) * MS);
  });

  it('handles empty traces', () => {
    expect(compareTraces([], [])).toEqual({ onlyA: [], onlyB: [], both: [], maxAbsDelta: 1 });
  });
});

describe('criticalPathSteps', () => {
  it('lists the critical path root first', () => {
    expect(criticalPathSteps(B).map((s) => s.spanId)).toEqual(['b1', 'b2', 'b4', 'b5']);
    expect(criticalPathSteps(A).map((s) => `${s.spanId}@${s.depth}`)).toEqual(['a1@0', 'a2@1', 'a3@2', 'a4@1']);
  });
});
