import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface ApiState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/**
 * Runs `load` when any of `deps` changes, cancelling the previous request. The last data stays
 * shown while a refresh loads, so auto-refresh never flashes an empty page.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): ApiState<T> {
  const [state, setState] = useState<ApiState<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        const message = e instanceof ApiError || e instanceof Error ? e.message : String(e);
        setState({ data: undefined, error: message, loading: false });
      },
    );
    return () => controller.abort();
  }, deps);
  return state;
}
