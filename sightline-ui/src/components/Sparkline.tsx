import { sparklinePath } from '../lib/sparkline';

/** A tiny line of values (nulls are gaps) as inline SVG: cheap enough for every table row. */
export function Sparkline(props: { values: (number | null)[]; width?: number; height?: number; label: string }) {
  const width = props.width ?? 120;
  const height = props.height ?? 24;
  const d = sparklinePath(props.values, width, height);
  return (
    <svg class="sparkline" width={width} height={height} role="img" aria-label={props.label}>
      {d && <path d={d} fill="none" stroke="currentColor" stroke-width="1.5" />}
    </svg>
  );
}
