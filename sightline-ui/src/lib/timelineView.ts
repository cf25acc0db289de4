/**
 * The part of a trace the waterfall shows, chosen on the minimap: fractions `from` < `to` of the
 * trace's duration. Bars are laid out in percent of the timeline's width (`SCALE` % of it, leaving
 * room for the duration label after the last bar).
 */
export interface TimelineView {
  from: number;
  to: number;
}

export const FULL_VIEW: TimelineView = { from: 0, to: 1 };
const SCALE = 96;

/** A view from two points of a drag (any order, fractions clamped to 0..1, at least 0.1 % wide). */
export function viewFromDrag(a: number, b: number): TimelineView {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  let from = clamp(Math.min(a, b));
  let to = clamp(Math.max(a, b));
  if (to - from < 0.001) {
    const mid = (from + to) / 2;
    from = clamp(mid - 0.0005);
    to = clamp(from + 0.001);
  }
  return { from, to };
}

/** Left and width (percent) of a span's bar in the view, or null when it is outside it. */
export function barGeometry(
  start: number,
  end: number,
  traceStart: number,
  traceEnd: number,
  view: TimelineView,
): { left: number; width: number } | null {
  const total = Math.max(traceEnd - traceStart, 1);
  const viewStart = traceStart + view.from * total;
  const viewEnd = traceStart + view.to * total;
  if (end < viewStart || start > viewEnd) return null;
  const span = viewEnd - viewStart;
  const left = ((Math.max(start, viewStart) - viewStart) / span) * SCALE;
  const right = ((Math.min(end, viewEnd) - viewStart) / span) * SCALE;
  return { left, width: Math.max(right - left, 0.1) };
}

/** The offset from the trace start (ns) at fraction `x` (0..1) of the view's width. */
export function viewOffset(x: number, traceStart: number, traceEnd: number, view: TimelineView): number {
  const total = Math.max(traceEnd - traceStart, 1);
  return (view.from + x * (view.to - view.from)) * total;
}

export const BAR_SCALE = SCALE;

/** The view as the URL's `zoom=FROM-TO` (fractions), or null for the whole trace. */
export function viewToParam(v: TimelineView): string | null {
  if (v.from <= 0 && v.to >= 1) return null;
  return `${Number(v.from.toFixed(4))}-${Number(v.to.toFixed(4))}`;
}

export function viewFromParam(text: string | null): TimelineView {
  const m = /^(\d*\.?\d+)-(\d*\.?\d+)$/.exec(text ?? '');
  if (!m) return FULL_VIEW;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from >= 0 && to <= 1 && to > from ? { from, to } : FULL_VIEW;
}
