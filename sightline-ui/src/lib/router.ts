import { useEffect, useState } from 'preact/hooks';

/**
 * Client-side routing on the History API: the URL is the state of every page (path, filters,
 * time range), so a pasted link reproduces the view. Pages read it with {@link useLocation} and
 * change it with {@link navigate}.
 */
export interface Location {
  path: string;
  params: URLSearchParams;
}

const EVENT = 'sightline:navigate';

function current(): Location {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return location;
}

/** Goes to `url` (path and query); `replace` rewrites the current history entry instead. */
export function navigate(url: string, replace = false): void {
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(EVENT));
}

/** The current path with some query parameters set (empty string or null removes one). */
export function withParams(changes: Record<string, string | null>, base?: Location): string {
  const loc = base ?? current();
  const params = new URLSearchParams(loc.params);
  for (const [key, value] of Object.entries(changes)) {
    if (value == null || value === '') params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  return query ? `${loc.path}?${query}` : loc.path;
}

/** The time-range parameters of the current URL, to carry them over to a link. */
export function rangeQuery(params: URLSearchParams): string {
  const keep = new URLSearchParams();
  for (const key of ['start', 'end', 'refresh']) {
    const value = params.get(key);
    if (value) keep.set(key, value);
  }
  return keep.toString();
}

/** `path` plus the current time range (and any extra parameters). */
export function linkWithRange(
  path: string,
  params: URLSearchParams,
  extra: Record<string, string> = {},
): string {
  const q = new URLSearchParams(rangeQuery(params));
  for (const [k, v] of Object.entries(extra)) if (v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
