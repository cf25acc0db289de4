import type { SpanNode, SpanTree, TreeSpanInput } from './spanTree';

/**
 * The critical path of a trace (as in Jaeger's trace view): the spans whose own work or whose
 * waiting on a child made the root last as long as it did. From a span, walk back from its end:
 * the child that finished last at or before the current point is on the path (and is walked into
 * recursively), the point moves to that child's start, and so on; children still running at the
 * point (in parallel with a critical child) are not on the path. Child ends are clipped to the
 * parent's end. Uses display (skew-corrected) times.
 * Returns the ids of the spans on the path, starting from the longest root.
 */
export function criticalPath<S extends TreeSpanInput>(tree: SpanTree<S>): Set<string> {
  const onPath = new Set<string>();
  const root = tree.roots.reduce<SpanNode<S> | null>(
    (best, r) => (best == null || r.end - r.start > best.end - best.start ? r : best),
    null,
  );
  if (!root) return onPath;
  const stack: SpanNode<S>[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    onPath.add(node.span.spanId);
    const clippedEnd = (c: SpanNode<S>) => Math.min(c.end, node.end);
    const children = [...node.children].sort((a, b) => clippedEnd(b) - clippedEnd(a));
    let point = node.end;
    for (const child of children) {
      const end = clippedEnd(child);
      if (end > point || end <= node.start) continue; // overlaps the critical child, or before
      stack.push(child);
      point = Math.max(child.start, node.start);
      if (point <= node.start) break;
    }
  }
  return onPath;
}
