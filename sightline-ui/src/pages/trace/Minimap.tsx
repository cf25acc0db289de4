import { useEffect, useRef, useState } from 'preact/hooks';
import type { Span } from '../../api/types';
import { serviceColor } from '../../lib/spanFilter';
import type { SpanNode, SpanTree } from '../../lib/spanTree';
import { viewFromDrag, type TimelineView } from '../../lib/timelineView';

const HEIGHT = 48;

/**
 * The whole trace in a strip (one line per row, drawn on a canvas so 10,000 spans cost nothing):
 * drag across it to zoom the waterfall into that part; the shaded box is what the waterfall shows.
 */
export function Minimap(props: {
  tree: SpanTree<Span>;
  rows: SpanNode<Span>[];
  view: TimelineView;
  onView: (v: TimelineView) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const { tree, rows } = props;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const width = el.clientWidth || 600;
    const ratio = window.devicePixelRatio || 1;
    el.width = width * ratio;
    el.height = HEIGHT * ratio;
    const g = el.getContext('2d');
    if (!g) return;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, HEIGHT);
    const total = Math.max(tree.end - tree.start, 1);
    const rowHeight = Math.max(HEIGHT / Math.max(rows.length, 1), 0.5);
    rows.forEach((node, i) => {
      const error = node.span.status.code === 'ERROR';
      g.fillStyle = error ? '#d33a2c' : serviceColor(node.span.service);
      const x = ((node.start - tree.start) / total) * width;
      const w = Math.max(((node.end - node.start) / total) * width, 1);
      g.fillRect(x, (i * HEIGHT) / Math.max(rows.length, 1), w, Math.max(rowHeight, 1));
    });
  }, [tree, rows]);

  const fraction = (e: MouseEvent) => {
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return (e.clientX - rect.left) / Math.max(rect.width, 1);
  };
  const shown = drag ? viewFromDrag(drag.a, drag.b) : props.view;
  const zoomed = props.view.from > 0 || props.view.to < 1;
  return (
    <div class="minimap" data-testid="minimap">
      <div
        class="minimap-strip"
        onMouseDown={(e) => setDrag({ a: fraction(e), b: fraction(e) })}
        onMouseMove={(e) => drag && setDrag({ ...drag, b: fraction(e) })}
        onMouseUp={(e) => {
          if (!drag) return;
          const b = fraction(e);
          setDrag(null);
          if (Math.abs(b - drag.a) > 0.005) props.onView(viewFromDrag(drag.a, b));
        }}
        onMouseLeave={() => setDrag(null)}
        title="Drag to zoom into part of the trace"
      >
        <canvas ref={canvas} style={{ width: '100%', height: `${HEIGHT}px` }} />
        <div
          class="minimap-view"
          style={{ left: `${shown.from * 100}%`, width: `${(shown.to - shown.from) * 100}%` }}
        />
      </div>
      <button type="button" class="btn" disabled={!zoomed} onClick={() => props.onView({ from: 0, to: 1 })}>
        Reset zoom
      </button>
    </div>
  );
}
