/**
 * An SVG path through `values` spread over `width`, scaled from 0 to the maximum over `height`
 * (a 1 px margin); nulls break the line. Empty string when nothing is drawable.
 */
export function sparklinePath(values: readonly (number | null)[], width: number, height: number): string {
  const finite = values.filter((v): v is number => v != null && Number.isFinite(v));
  if (finite.length === 0) return '';
  const max = Math.max(...finite, 0);
  const scale = max > 0 ? (height - 2) / max : 0;
  const stepX = values.length > 1 ? width / (values.length - 1) : 0;
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v == null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    const x = Number((i * stepX).toFixed(1));
    const y = Number((height - 1 - v * scale).toFixed(1));
    d += `${pen ? 'L' : 'M'}${x} ${y}`;
    pen = true;
  });
  return d;
}
