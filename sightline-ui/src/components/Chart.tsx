import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { navigate } from '../lib/router';
import { annotationLanes, type Annotation } from '../lib/slo';

export interface SeriesSpec {
  label: string;
  /** A CSS colour or `var(--name)`. */
  color: string;
  /** Points only (scatter, exemplars), no line. */
  points?: boolean;
  /** A dashed line (thresholds, targets): canvas dash pattern in pixels. */
  dash?: number[];
}

/** A clickable point drawn over the canvas (exemplars, scatter dots): focusable and titled. */
export interface Mark {
  /** Seconds, on the x scale. */
  x: number;
  y: number;
  label: string;
  href: string;
  kind: string;
}

/**
 * A uPlot time chart: x in Unix seconds, one y series per spec. Marks become real links laid over
 * the canvas, so a point that opens a trace is reachable by keyboard and by tests.
 */
export function Chart(props: {
  data: uPlot.AlignedData;
  series: SeriesSpec[];
  height?: number;
  yFormat?: (v: number) => string;
  marks?: Mark[];
  testId?: string;
  title?: string;
  /** The x range in Unix seconds (the page's time range); by default the data's own. */
  xRange?: [number, number];
  /** Vertical markers (alerts, deployments) laid over the canvas as real, titled elements. */
  annotations?: Annotation[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const [placed, setPlaced] = useState<{ left: number; top: number; mark: Mark }[]>([]);
  const [lines, setLines] = useState<
    { left: number; top: number; height: number; lane: number; flip: boolean; annotation: Annotation }[]
  >([]);
  const height = props.height ?? 200;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const color = (c: string) =>
      c.startsWith('var(') ? css.getPropertyValue(c.slice(4, -1)).trim() || '#888' : c;
    const axisStroke = css.getPropertyValue('--fg-muted').trim() || '#888';
    const grid = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)';
    const yFormat = props.yFormat ?? ((v: number) => String(v));
    const marks = props.marks ?? [];
    const annotations = props.annotations ?? [];
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: props.series.length > 1 },
      cursor: { drag: { x: false, y: false } },
      scales: { x: props.xRange ? { time: true, range: () => props.xRange! } : { time: true } },
      axes: [
        { stroke: axisStroke, grid: { stroke: grid } },
        {
          stroke: axisStroke,
          grid: { stroke: grid },
          size: 60,
          values: (_u, values) => values.map((v) => (v == null ? '' : yFormat(v))),
        },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: color(s.color),
          width: s.points ? 0 : 1.5,
          dash: s.dash,
          spanGaps: !s.points,
          paths: s.points ? () => null : undefined,
          points: s.points
            ? { show: true, size: 7, fill: color(s.color), stroke: color(s.color) }
            : { show: false },
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : yFormat(v)),
        })),
      ],
      hooks: {
        draw: [
          (u: uPlot) => {
            // valToPos is relative to the plotting area; the marks layer covers the whole host
            const over = u.over.getBoundingClientRect();
            const origin = el.getBoundingClientRect();
            const dx = over.left - origin.left;
            const dy = over.top - origin.top;
            setPlaced(
              marks
                .map((mark) => ({
                  left: dx + u.valToPos(mark.x, 'x'),
                  top: dy + u.valToPos(mark.y, 'y'),
                  mark,
                }))
                .filter((p) => Number.isFinite(p.left) && Number.isFinite(p.top)),
            );
            const min = u.scales.x?.min ?? -Infinity;
            const max = u.scales.x?.max ?? Infinity;
            const inside = annotations.filter((a) => a.x >= min && a.x <= max);
            const xs = inside.map((a) => u.valToPos(a.x, 'x'));
            const lanes = annotationLanes(xs, 80, over.width);
            const plotHeight = over.height;
            setLines(
              inside.map((annotation, i) => ({
                left: dx + xs[i]!,
                top: dy,
                height: plotHeight,
                lane: lanes[i]!.lane,
                // a label near the right edge goes to the left of its line
                flip: lanes[i]!.flip,
                annotation,
              })),
            );
          },
        ],
      },
    };
    const plot = new uPlot(opts, props.data, el);
    const resize = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 200);
      if (width !== plot.width) plot.setSize({ width, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.data, props.series, props.marks, props.annotations, height, props.xRange?.[0], props.xRange?.[1]]);

  return (
    <figure class="chart" data-testid={props.testId} aria-label={props.title}>
      {props.title && <figcaption>{props.title}</figcaption>}
      <div class="chart-plot" ref={host}>
        <div class="chart-marks">
          {placed.map(({ left, top, mark }, i) => (
            <a
              key={i}
              class={`mark mark-${mark.kind}`}
              href={mark.href}
              title={mark.label}
              aria-label={mark.label}
              data-kind={mark.kind}
              style={{ left: `${left}px`, top: `${top}px` }}
              onClick={(e) => {
                e.preventDefault();
                navigate(mark.href);
              }}
            />
          ))}
          {lines.map(({ left, top, height: h, lane, flip, annotation }, i) => (
            <div
              key={`a${i}`}
              class={`annotation annotation-${annotation.kind}`}
              data-testid="annotation"
              data-kind={annotation.kind}
              title={annotation.label}
              aria-label={annotation.label}
              role="img"
              tabIndex={0}
              style={{ left: `${left}px`, top: `${top}px`, height: `${h}px` }}
            >
              <span class={flip ? 'annotation-label flip' : 'annotation-label'} style={{ top: `${lane * 14}px` }}>
                {annotation.short}
              </span>
            </div>
          ))}
        </div>
      </div>
    </figure>
  );
}
