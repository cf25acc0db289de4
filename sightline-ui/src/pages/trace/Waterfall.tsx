import { useEffect, useRef, useState } from 'preact/hooks';
import type { Span } from '../../api/types';
import { formatDuration } from '../../lib/format';
import { serviceColor } from '../../lib/spanFilter';
import { descendantCount, type SpanNode, type SpanTree } from '../../lib/spanTree';
import { BAR_SCALE, barGeometry, viewOffset, type TimelineView } from '../../lib/timelineView';

const ROW = 24;
const OVERSCAN = 12;

/**
 * The span rows with their time bars, virtualised: only the rows in view (plus a margin) are in
 * the DOM, so a 10,000-span trace scrolls as smoothly as a small one. Arrow keys move the
 * selection, Enter/Space toggles a subtree.
 */
export function Waterfall(props: {
  tree: SpanTree<Span>;
  rows: SpanNode<Span>[];
  collapsed: ReadonlySet<string>;
  onToggle: (spanId: string) => void;
  selected: string | null;
  onSelect: (spanId: string) => void;
  critical: ReadonlySet<string> | null;
  matches: ReadonlySet<string> | null;
  height: number;
  view: TimelineView;
}) {
  const { tree, rows } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + props.height) / ROW) + OVERSCAN);

  // keep the selected row in view when it changes (keyboard, a log line's jump, the URL)
  useEffect(() => {
    const index = rows.findIndex((r) => r.span.spanId === props.selected);
    const el = scroller.current;
    if (index < 0 || !el) return;
    const top = index * ROW;
    if (top < el.scrollTop || top + ROW > el.scrollTop + props.height) el.scrollTop = Math.max(0, top - props.height / 3);
  }, [props.selected]);

  const onKey = (e: KeyboardEvent) => {
    const index = rows.findIndex((r) => r.span.spanId === props.selected);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = rows[Math.min(rows.length - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1)))];
      if (next) props.onSelect(next.span.spanId);
    } else if ((e.key === 'Enter' || e.key === ' ') && props.selected) {
      e.preventDefault();
      props.onToggle(props.selected);
    }
  };

  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div class="waterfall" data-testid="waterfall">
      <div class="wf-header">
        <div class="wf-name">Service · operation ({rows.length} rows)</div>
        <div class="wf-ticks">
          {ticks.map((t) => (
            <span key={t} class="wf-tick" style={{ left: `${t * BAR_SCALE + 2}%` }}>
              {formatDuration(viewOffset(t, tree.start, tree.end, props.view))}
            </span>
          ))}
        </div>
      </div>
      <div
        class="wf-scroll"
        ref={scroller}
        tabIndex={0}
        role="tree"
        aria-label="Spans"
        style={{ height: `${props.height}px` }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        onKeyDown={onKey}
      >
        <div style={{ height: `${rows.length * ROW}px` }}>
          {rows.slice(first, last).map((node, i) => (
            <Row
              key={node.span.spanId}
              node={node}
              top={(first + i) * ROW}
              tree={tree}
              view={props.view}
              collapsed={props.collapsed.has(node.span.spanId)}
              onToggle={props.onToggle}
              selected={props.selected === node.span.spanId}
              onSelect={props.onSelect}
              critical={props.critical?.has(node.span.spanId) ?? false}
              dimmed={props.matches != null && !props.matches.has(node.span.spanId)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

function Row(props: {
  node: SpanNode<Span>;
  top: number;
  tree: SpanTree<Span>;
  view: TimelineView;
  collapsed: boolean;
  onToggle: (id: string) => void;
  selected: boolean;
  onSelect: (id: string) => void;
  critical: boolean;
  dimmed: boolean;
}) {
  const { node } = props;
  const span = node.span;
  const error = span.status.code === 'ERROR';
  const bar = barGeometry(node.start, node.end, props.tree.start, props.tree.end, props.view);
  const color = serviceColor(span.service);
  return (
    <div
      class="wf-row"
      role="treeitem"
      aria-selected={props.selected}
      aria-expanded={node.children.length > 0 ? !props.collapsed : undefined}
      aria-level={node.depth + 1}
      data-span-id={span.spanId}
      data-depth={node.depth}
      data-error={error ? 'true' : undefined}
      data-critical={props.critical ? 'true' : undefined}
      style={{ top: `${props.top}px`, opacity: props.dimmed ? 0.35 : 1 }}
      onClick={() => props.onSelect(span.spanId)}
    >
      <div class="wf-name" style={{ paddingLeft: `${node.depth * 14}px` }}>
        {node.children.length > 0 ? (
          <button
            type="button"
            class="wf-toggle"
            aria-label={props.collapsed ? 'expand' : 'collapse'}
            onClick={(e) => {
              e.stopPropagation();
              props.onToggle(span.spanId);
            }}
          >
            {props.collapsed ? '▶' : '▼'}
          </button>
        ) : (
          <span class="wf-toggle" />
        )}
        <span class="wf-service" style={{ background: color }} />
        {error && (
          <span class="wf-err" title={`error: ${span.status.message}`} aria-label="error">
            ⚠
          </span>
        )}
        <span class="wf-label" title={`${span.service} ${span.name}`}>
          <strong>{span.service}</strong> {span.name}
          {props.collapsed && <span class="muted"> (+{descendantCount(node)})</span>}
          {node.missingParent && <span class="muted" title="its parent span is not in this trace"> (orphan)</span>}
          {node.skewNanos !== 0 && (
            <span class="muted" title={`shifted by ${formatDuration(node.skewNanos)} for clock skew`}> ⇄</span>
          )}
        </span>
      </div>
      <div class="wf-timeline">
        {bar && (
          <>
            <div
              class={`wf-bar${props.critical ? ' critical' : ''}`}
              style={{ left: `${bar.left}%`, width: `${bar.width}%`, background: error ? 'var(--error)' : color }}
            />
            <span class="wf-dur" style={{ left: `calc(${bar.left + bar.width}% + 4px)` }}>
              {formatDuration(span.durationNanos)}
            </span>
          </>
        )}
      </div>
    </div>
  );
}
