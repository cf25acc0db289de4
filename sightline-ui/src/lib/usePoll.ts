import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJsonIfChanged, type Params } from '../api/client';

interface Held<T> {
  key: string;
  data: T | undefined;
  error?: string;
  staleError?: string;
  loading: boolean;
}

/** How often live pages ask again; the server answers 304 when nothing changed. */
export const POLL_INTERVAL_MS = 5000;

export interface PollState<T> {
  data: T | undefined;
  /** The error of the first load (then there is nothing to show), else undefined. */
  error: string | undefined;
  loading: boolean;
  /** A later poll failed: the data shown is as of the last success (the page says so). */
  staleError: string | undefined;
  /** Asks again now (after an action, say). */
  reload: () => void;
  /** Shows an answer the page already has (an action returns the updated object). */
  replace: (data: T) => void;
}

/**
 * Loads `path` and keeps it live: asks again every `intervalMs` with the last answer's ETag (a
 * conditional GET: unchanged answers cost a 304 and no re-render), not while the tab is hidden,
 * and at once when it becomes visible again. A change of `key` (path and parameters, by value)
 * starts over. See ConditionalGet in sightline-server for why polling, not server-sent events.
 */
export function usePoll<T>(path: string | null, params: Params = {}, intervalMs = POLL_INTERVAL_MS): PollState<T> {
  const key = path === null ? '' : `${path}?${JSON.stringify(params)}`;
  // the state names the resource it belongs to: after a change of key, nothing of the old one shows
  const [held, setHeld] = useState<Held<T>>({ key, data: undefined, loading: path !== null });
  const state: Held<T> = held.key === key ? held : { key, data: undefined, loading: path !== null };
  const setState = (next: Omit<Held<T>, 'key'> | ((s: Held<T>) => Held<T>)) =>
    setHeld((s) => {
      const base = s.key === key ? s : { key, data: undefined, loading: path !== null };
      return typeof next === 'function' ? next(base) : { ...next, key };
    });
  const etag = useRef<string | null>(null);
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const replace = (data: T) => {
    etag.current = null;
    setState({ data, loading: false });
  };


  useEffect(() => {
    etag.current = null;
    if (path === null) return undefined;
    let controller: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      controller = new AbortController();
      try {
        const r = await getJsonIfChanged<T>(path, params, etag.current, controller.signal);
        if (stopped) return;
        if (r.changed) {
          etag.current = r.etag;
          setState({ data: r.data, loading: false });
        } else {
          setState((s) => (s.staleError ? { ...s, staleError: undefined } : s));
        }
      } catch (e) {
        if (stopped || (e instanceof DOMException && e.name === 'AbortError')) return;
        const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
        setState((s) =>
          s.data === undefined ? { ...s, error: message, loading: false } : { ...s, staleError: message },
        );
      }
      schedule();
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => {
        if (document.hidden) schedule();
        else void poll();
      }, intervalMs);
    };
    const onVisible = () => {
      if (!document.hidden && !stopped) {
        clearTimeout(timer);
        controller?.abort();
        void poll();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, nonce, intervalMs]);

  return { data: state.data, error: state.error, loading: state.loading, staleError: state.staleError, reload, replace };
}
