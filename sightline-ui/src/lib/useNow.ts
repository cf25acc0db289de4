import { useEffect, useState } from 'preact/hooks';

/** The clock, re-read every `intervalMs` so that relative times and countdowns move. */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
