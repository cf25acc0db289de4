import { createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { Location } from './router';
import { rangeFromParams, resolveRange, type ResolvedRange, type TimeRange } from './timeRange';

/** What every page gets from the shell: the location and the auto-refresh tick. */
export interface PageContext {
  location: Location;
  /** Increments on every auto-refresh (and the refresh button); pages reload when it changes. */
  tick: number;
}

export const PageContextValue = createContext<PageContext | null>(null);

export function usePage(): PageContext {
  const ctx = useContext(PageContextValue);
  if (!ctx) throw new Error('usePage outside the shell');
  return ctx;
}

/** The page's time range as written in the URL and resolved against the clock of this load. */
export function useRange(): { range: TimeRange; resolved: ResolvedRange; key: string } {
  const { location, tick } = usePage();
  const range = rangeFromParams(location.params);
  const resolved = useMemo(
    () => resolveRange(range, Date.now()),
    [range.start, range.end, tick],
  );
  return { range, resolved, key: `${resolved.startMs}-${resolved.endMs}` };
}
