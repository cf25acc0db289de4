import { describe, expect, it } from 'vitest';
import { buildSpanTree, descendantCount, visibleRows, type TreeSpanInput } from './spanTree';
import { criticalPath } from './criticalPath';

const MS = 1_000_000;
function span(spanId: string, parentSpanId: string, startMs: number, endMs: number, service = 'a'): TreeSpanInput {
  return { spanId, parentSpanId, service, startTimeUnixNano: startMs * MS, endTimeUnixNano: endMs * MS };
}
const order = (rows: { span: TreeSpanInput; depth: number }[]) => rows.map((r) => `${r.span.spanId}@${r.depth}`);

describe('buildSpanTree', () => {
  it('nests spans given out of order, children by start time', () => {
    const tree = buildSpanTree([
      span('c2', 'b', 30, 40),
      span('b', 'root', 10, 50),
      span('c1', 'b', 12, 20),
      span('root', '', 0, 100),
      span('d', 'root', 60, 90),
    ]);
    expect(tree.roots.map((r) => r.span.spanId)).toEqual(['root']);
    expect(order(visibleRows(tree, new Set()))).toEqual(['root@0', 'b@1', 'c1@2', 'c2@2', 'd@1']);
    expect(tree.start).toBe(0);
    expect(tree.end).toBe(100 * MS);
  });

  it('shows spans whose parent is missing as extra roots after the real root', () => {
    const tree = buildSpanTree([span('orphan', 'gone', 5, 6), span('root', '', 0, 10), span('kid', 'orphan', 5, 6)]);
    expect(tree.roots.map((r) => [r.span.spanId, r.missingParent])).toEqual([
      ['root', false],
      ['orphan', true],
    ]);
    expect(order(visibleRows(tree, new Set()))).toEqual(['root@0', 'orphan@0', 'kid@1']);
  });

  it('breaks parent cycles instead of looping', () => {
    const tree = buildSpanTree([span('x', 'y', 0, 10), span('y', 'x', 1, 5)]);
    expect(visibleRows(tree, new Set())).toHaveLength(2);
  });

  it('keeps one copy of a span exported twice', () => {
    const tree = buildSpanTree([span('root', '', 0, 10), span('root', '', 0, 10)]);
    expect(tree.byId.size).toBe(1);
    expect(tree.roots).toHaveLength(1);
  });

  it('shifts a child of another service that does not fit in its parent (clock skew), with its subtree', () => {
    const tree = buildSpanTree([
      span('client', '', 100, 200, 'frontend'),
      span('server', 'client', 80, 140, 'backend'), // 20 ms early: its host's clock is behind
      span('db', 'server', 90, 100, 'backend'),
    ]);
    const server = tree.byId.get('server')!;
    expect(server.skewNanos).toBe(40 * MS); // centred: 100 + (100 - 60) / 2 = 120
    expect(server.start).toBe(120 * MS);
    expect(tree.byId.get('db')!.start).toBe(130 * MS); // moved with its parent, no own shift
    expect(tree.byId.get('db')!.skewNanos).toBe(40 * MS);
    expect(tree.start).toBe(100 * MS);
  });

  it('leaves same-service children and children that fit alone', () => {
    const tree = buildSpanTree([span('p', '', 0, 100, 'a'), span('same', 'p', -10, 50, 'a'), span('fits', 'p', 10, 20, 'b')]);
    expect(tree.byId.get('same')!.skewNanos).toBe(0);
    expect(tree.byId.get('fits')!.skewNanos).toBe(0);
  });

  it('hides the descendants of collapsed spans and counts them', () => {
    const tree = buildSpanTree([span('r', '', 0, 10), span('a', 'r', 1, 5), span('b', 'a', 2, 3), span('c', 'r', 6, 9)]);
    expect(order(visibleRows(tree, new Set(['a'])))).toEqual(['r@0', 'a@1', 'c@1']);
    expect(descendantCount(tree.byId.get('r')!)).toBe(3);
  });

  it('handles a 10,000-deep chain without recursion', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => span(`s${i}`, i === 0 ? '' : `s${i - 1}`, i, 20_000 - i));
    const tree = buildSpanTree(spans);
    expect(visibleRows(tree, new Set())).toHaveLength(10_000);
    expect(tree.byId.get('s9999')!.depth).toBe(9_999);
  });
});

describe('criticalPath', () => {
  it('follows the last-finishing child back in time and skips parallel work', () => {
    // root 0-100: a 0-40, b 10-30 (parallel with a, ends before a), c 45-95 with c1 50-60, c2 55-90
    const tree = buildSpanTree([
      span('root', '', 0, 100),
      span('a', 'root', 0, 40),
      span('b', 'root', 10, 30),
      span('c', 'root', 45, 95),
      span('c1', 'c', 50, 60),
      span('c2', 'c', 55, 90),
    ]);
    const path = criticalPath(tree);
    expect([...path].sort()).toEqual(['a', 'c', 'c2', 'root']);
  });

  it('takes a child ending before another one started (sequential calls)', () => {
    const tree = buildSpanTree([span('r', '', 0, 100), span('x', 'r', 5, 30), span('y', 'r', 35, 90)]);
    expect([...criticalPath(tree)].sort()).toEqual(['r', 'x', 'y']);
  });

  it('clips a child that outlives its parent', () => {
    const tree = buildSpanTree([span('r', '', 0, 50), span('async', 'r', 10, 200), span('sync', 'r', 20, 40)]);
    // async, clipped to 10-50, ends last; sync (20-40) runs inside it and is not critical
    expect([...criticalPath(tree)].sort()).toEqual(['async', 'r']);
  });

  it('is empty for an empty trace', () => {
    expect(criticalPath(buildSpanTree([])).size).toBe(0);
  });
});
