/**
 * Builds the waterfall's span tree from the spans of one trace, in any order: children sorted by
 * start time, spans whose parent never arrived shown as extra roots (flagged), and clock skew
 * between services corrected for display (a child of another service that does not fit inside its
 * parent is shifted, with its subtree, to sit centred in it — the adjustment is kept per span so
 * the UI can say so).
 */
export interface TreeSpanInput {
  spanId: string;
  parentSpanId: string;
  service: string;
  startTimeUnixNano: number;
  endTimeUnixNano: number;
}

export interface SpanNode<S extends TreeSpanInput> {
  span: S;
  depth: number;
  children: SpanNode<S>[];
  parent: SpanNode<S> | null;
  /** The parent id names a span that is not in the trace. */
  missingParent: boolean;
  /** Nanoseconds added to the span's times for display (clock-skew correction), usually 0. */
  skewNanos: number;
  /** Display start and end (the span's own plus skewNanos). */
  start: number;
  end: number;
}

export interface SpanTree<S extends TreeSpanInput> {
  roots: SpanNode<S>[];
  byId: Map<string, SpanNode<S>>;
  /** Earliest display start and latest display end over all spans. */
  start: number;
  end: number;
}

export function buildSpanTree<S extends TreeSpanInput>(spans: readonly S[]): SpanTree<S> {
  const byId = new Map<string, SpanNode<S>>();
  for (const span of spans) {
    if (byId.has(span.spanId)) continue; // a span exported twice is shown once
    byId.set(span.spanId, {
      span,
      depth: 0,
      children: [],
      parent: null,
      missingParent: false,
      skewNanos: 0,
      start: span.startTimeUnixNano,
      end: span.endTimeUnixNano,
    });
  }
  const roots: SpanNode<S>[] = [];
  for (const node of byId.values()) {
    const parentId = node.span.parentSpanId;
    const parent = parentId ? byId.get(parentId) : undefined;
    if (parent && parent !== node && !isAncestor(node, parent)) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      node.missingParent = parentId !== '' && parent !== node;
      roots.push(node);
    }
  }
  const byStart = (a: SpanNode<S>, b: SpanNode<S>) =>
    a.span.startTimeUnixNano - b.span.startTimeUnixNano || a.span.spanId.localeCompare(b.span.spanId);
  roots.sort((a, b) => Number(a.missingParent) - Number(b.missingParent) || byStart(a, b));
  let start = Infinity;
  let end = -Infinity;
  // iterative depth-first walk: a 10,000-deep chain must not overflow the stack
  const stack: { node: SpanNode<S>; depth: number; skew: number }[] = roots
    .map((node) => ({ node, depth: 0, skew: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { node, depth, skew } = stack.pop()!;
    node.depth = depth;
    node.skewNanos = skew + skewOf(node, skew);
    node.start = node.span.startTimeUnixNano + node.skewNanos;
    node.end = node.span.endTimeUnixNano + node.skewNanos;
    start = Math.min(start, node.start);
    end = Math.max(end, node.end);
    node.children.sort(byStart);
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push({ node: node.children[i]!, depth: depth + 1, skew: node.skewNanos });
    }
  }
  if (byId.size === 0) start = end = 0;
  return { roots, byId, start, end };
}

/** Extra shift of a child (of another service) that does not fit inside its parent's display. */
function skewOf<S extends TreeSpanInput>(node: SpanNode<S>, inherited: number): number {
  const parent = node.parent;
  if (!parent || parent.span.service === node.span.service) return 0;
  const childStart = node.span.startTimeUnixNano + inherited;
  const childEnd = node.span.endTimeUnixNano + inherited;
  const childDuration = childEnd - childStart;
  const parentDuration = parent.end - parent.start;
  if (childDuration > parentDuration) return 0; // cannot fit: leave it as it was recorded
  if (childStart >= parent.start && childEnd <= parent.end) return 0;
  const centred = parent.start + (parentDuration - childDuration) / 2;
  return centred - childStart;
}

function isAncestor<S extends TreeSpanInput>(node: SpanNode<S>, candidate: SpanNode<S>): boolean {
  for (let p: SpanNode<S> | null = candidate; p; p = p.parent) if (p === node) return true;
  return false;
}

/** The rows of the waterfall in display order, skipping the descendants of collapsed spans. */
export function visibleRows<S extends TreeSpanInput>(
  tree: SpanTree<S>,
  collapsed: ReadonlySet<string>,
): SpanNode<S>[] {
  const rows: SpanNode<S>[] = [];
  const stack = [...tree.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    rows.push(node);
    if (collapsed.has(node.span.spanId)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

/** Number of descendants of a node (for the collapsed-row badge). */
export function descendantCount<S extends TreeSpanInput>(node: SpanNode<S>): number {
  let count = 0;
  const stack = [...node.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    count++;
    stack.push(...n.children);
  }
  return count;
}
