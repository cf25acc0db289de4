import { describe, expect, it } from 'vitest';
import { barGeometry, FULL_VIEW, viewFromDrag, viewOffset } from './timelineView';

describe('timeline view (minimap zoom)', () => {
  it('lays bars out over 96 % of the width for the whole trace', () => {
    expect(barGeometry(0, 50, 0, 100, FULL_VIEW)).toEqual({ left: 0, width: 48 });
    expect(barGeometry(50, 100, 0, 100, FULL_VIEW)).toEqual({ left: 48, width: 48 });
  });

  it('zooms into a part, clipping bars at its edges and hiding those outside', () => {
    const view = { from: 0.5, to: 0.75 };
    expect(barGeometry(50, 75, 0, 100, view)).toEqual({ left: 0, width: 96 });
    expect(barGeometry(40, 60, 0, 100, view)!.left).toBe(0);
    expect(barGeometry(40, 60, 0, 100, view)!.width).toBeCloseTo(38.4);
    expect(barGeometry(0, 10, 0, 100, view)).toBeNull();
    expect(barGeometry(80, 90, 0, 100, view)).toBeNull();
  });

  it('keeps a zero-length span visible', () => {
    expect(barGeometry(30, 30, 0, 100, FULL_VIEW)!.width).toBe(0.1);
  });

  it('orders and clamps a drag, with a minimum width', () => {
    expect(viewFromDrag(0.8, 0.2)).toEqual({ from: 0.2, to: 0.8 });
    expect(viewFromDrag(-1, 2)).toEqual({ from: 0, to: 1 });
    const tiny = viewFromDrag(0.5, 0.5);
    expect(tiny.to - tiny.from).toBeCloseTo(0.001);
  });

  it('gives tick offsets within the view', () => {
    expect(viewOffset(0.5, 1_000, 2_000, { from: 0.2, to: 0.4 })).toBeCloseTo(300);
  });
});

describe('zoom in the URL', () => {
  it('round-trips and ignores nonsense', async () => {
    const { viewFromParam, viewToParam } = await import('./timelineView');
    expect(viewToParam(FULL_VIEW)).toBeNull();
    expect(viewToParam({ from: 0.25, to: 0.5 })).toBe('0.25-0.5');
    expect(viewFromParam('0.25-0.5')).toEqual({ from: 0.25, to: 0.5 });
    expect(viewFromParam(viewToParam({ from: 0.123456, to: 0.9 }))).toEqual({ from: 0.1235, to: 0.9 });
    expect(viewFromParam('0.5-0.2')).toEqual(FULL_VIEW);
    expect(viewFromParam('x')).toEqual(FULL_VIEW);
    expect(viewFromParam(null)).toEqual(FULL_VIEW);
  });
});
