import { Graph, layout, type Point } from '@dagrejs/dagre';
import type { ServiceMapEdge } from '../api/types';

export interface LaidOutNode {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** An edge into or out of it has errors. */
  errors: boolean;
}

export interface LaidOutEdge {
  edge: ServiceMapEdge;
  points: { x: number; y: number }[];
  /** Where the label goes (dagre's label position). */
  label: { x: number; y: number };
}

export interface ServiceMapLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

const NODE_HEIGHT = 36;

/**
 * Lays the service map out left to right with dagre (a layered layout: callers left of callees,
 * which reads like a request flowing through the system), sizing nodes to their names.
 */
export function layoutServiceMap(edges: readonly ServiceMapEdge[]): ServiceMapLayout {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 110, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const withErrors = new Set<string>();
  const names = new Set<string>();
  for (const e of edges) {
    names.add(e.client);
    names.add(e.server);
    if (e.errors > 0) {
      withErrors.add(e.server);
    }
  }
  for (const name of [...names].sort()) {
    g.setNode(name, { width: Math.max(90, name.length * 8 + 24), height: NODE_HEIGHT });
  }
  edges.forEach((e, i) => {
    g.setEdge(e.client, e.server, { width: 110, height: 30, labelpos: 'c' }, `e${i}`);
  });
  layout(g);
  const nodes = [...names].sort().map((name) => {
    const n = g.node(name);
    return { name, x: n.x!, y: n.y!, width: n.width!, height: n.height!, errors: withErrors.has(name) };
  });
  const laidOut = edges.map((e, i) => {
    const l = g.edge({ v: e.client, w: e.server, name: `e${i}` });
    const points = (l.points ?? []).map((p: Point) => ({ x: p.x, y: p.y }));
    const mid = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return { edge: e, points, label: { x: l.x ?? mid.x, y: l.y ?? mid.y } };
  });
  const graph = g.graph();
  return { nodes, edges: laidOut, width: graph.width ?? 0, height: graph.height ?? 0 };
}
