import { criticalPath } from './criticalPath';
import { buildSpanTree, type TreeSpanInput } from './spanTree';

/**
 * Two traces side by side (the idea of Jaeger's trace comparison): spans grouped by (service,
 * operation) with count, total and self time in each trace; operations found only in A or only
 * in B; the time differences of those in both, largest first; and each trace's critical path.
 */
export interface CompareSpan extends TreeSpanInput {
  name: string;
  status: { code: string };
}

export interface OperationStats {
  service: string;
  name: string;
  count: number;
  /** Sum of the spans' durations, nanoseconds. */
  totalNanos: number;
  /** Sum of the spans' own time: duration minus the time covered by their children. */
  selfNanos: number;
  errors: number;
}

export interface OperationDiff {
  service: string;
  name: string;
  a: OperationStats;
  b: OperationStats;
  /** b.totalNanos − a.totalNanos. */
  deltaNanos: number;
  /** b.selfNanos − a.selfNanos. */
  selfDeltaNanos: number;
}

export interface TraceComparison {
  onlyA: OperationStats[];
  onlyB: OperationStats[];
  both: OperationDiff[];
  /** The largest |delta| (for bar scales), at least 1. */
  maxAbsDelta: number;
}

export const operationKey = (service: string, name: string) => `${service}\u0000${name}`;

/** Per (service, operation) statistics of one trace's spans (a span stored twice counts once). */
export function groupOperations(spans: readonly CompareSpan[]): Map<string, OperationStats> {
  const unique = new Map<string, CompareSpan>();
  for (const s of spans) if (!unique.has(s.spanId)) unique.set(s.spanId, s);
  const children = new Map<string, CompareSpan[]>();
  for (const s of unique.values()) {
    if (!s.parentSpanId || s.parentSpanId === s.spanId) continue;
    const list = children.get(s.parentSpanId);
    if (list) list.push(s);
    else children.set(s.parentSpanId, [s]);
  }
  const ops = new Map<string, OperationStats>();
  for (const s of unique.values()) {
    const key = operationKey(s.service, s.name);
    let op = ops.get(key);
    if (!op) {
      op = { service: s.service, name: s.name, count: 0, totalNanos: 0, selfNanos: 0, errors: 0 };
      ops.set(key, op);
    }
    const duration = Math.max(0, s.endTimeUnixNano - s.startTimeUnixNano);
    op.count++;
    op.totalNanos += duration;
    op.selfNanos += Math.max(0, duration - covered(s, children.get(s.spanId) ?? []));
    if (s.status.code === 'ERROR') op.errors++;
  }
  return ops;
}

/** Nanoseconds of `span` covered by the union of its children's intervals (clipped to it). */
function covered(span: CompareSpan, kids: readonly CompareSpan[]): number {
  if (kids.length === 0) return 0;
  const intervals = kids
    .map((k) => [Math.max(k.startTimeUnixNano, span.startTimeUnixNano), Math.min(k.endTimeUnixNano, span.endTimeUnixNano)] as const)
    .filter(([s, e]) => e > s)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [s, e] of intervals) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

const byName = (x: OperationStats, y: OperationStats) => x.service.localeCompare(y.service) || x.name.localeCompare(y.name);

export function compareTraces(a: readonly CompareSpan[], b: readonly CompareSpan[]): TraceComparison {
  const opsA = groupOperations(a);
  const opsB = groupOperations(b);
  const onlyA: OperationStats[] = [];
  const onlyB: OperationStats[] = [];
  const both: OperationDiff[] = [];
  for (const [key, x] of opsA) {
    const y = opsB.get(key);
    if (!y) onlyA.push(x);
    else
      both.push({
        service: x.service,
        name: x.name,
        a: x,
        b: y,
        deltaNanos: y.totalNanos - x.totalNanos,
        selfDeltaNanos: y.selfNanos - x.selfNanos,
      });
  }
  for (const [key, y] of opsB) if (!opsA.has(key)) onlyB.push(y);
  onlyA.sort((x, y) => y.totalNanos - x.totalNanos || byName(x, y));
  onlyB.sort((x, y) => y.totalNanos - x.totalNanos || byName(x, y));
  both.sort((x, y) => Math.abs(y.deltaNanos) - Math.abs(x.deltaNanos) || byName(x.a, y.a));
  const maxAbsDelta = Math.max(1, ...both.map((d) => Math.abs(d.deltaNanos)));
  return { onlyA, onlyB, both, maxAbsDelta };
}

export interface PathStep {
  spanId: string;
  service: string;
  name: string;
  depth: number;
  durationNanos: number;
  error: boolean;
}

/** The spans on a trace's critical path (src/lib/criticalPath.ts), root first, in tree order. */
export function criticalPathSteps(spans: readonly CompareSpan[]): PathStep[] {
  const tree = buildSpanTree(spans);
  const onPath = criticalPath(tree);
  const steps: PathStep[] = [];
  const stack = [...tree.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!onPath.has(node.span.spanId)) continue;
    steps.push({
      spanId: node.span.spanId,
      service: node.span.service,
      name: node.span.name,
      depth: node.depth,
      durationNanos: node.end - node.start,
      error: node.span.status.code === 'ERROR',
    });
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return steps;
}
