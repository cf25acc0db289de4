import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { Nav } from './components/Nav';
import { PageBoundary } from './components/PageBoundary';
import { TimeRangePicker } from './components/TimeRangePicker';
import { PageContextValue } from './lib/pageContext';
import { navigate, useLocation, withParams } from './lib/router';
import { isRelative, rangeFromParams } from './lib/timeRange';
import { routeFor } from './routes';

const REFRESH_MS = 30_000;

/** The shell: navigation, time range, auto-refresh, and the page of the current route. */
export function App() {
  const location = useLocation();
  const [tick, setTick] = useState(0);
  const range = rangeFromParams(location.params);
  const autoRefresh = location.params.get('refresh') === 'on' && isRelative(range);
  useEffect(() => {
    if (!autoRefresh) return;
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [autoRefresh]);
  const route = routeFor(location.path);
  useEffect(() => {
    document.title = `${route.title} · Sightline`;
  }, [route.title]);
  const page: JSX.Element = route.render();
  return (
    <PageContextValue.Provider value={{ location, tick }}>
      <div class="shell">
        <Nav location={location} />
        <div class="main">
          <header class="toolbar">
            <h1>{route.title}</h1>
            <div class="toolbar-actions">
              <TimeRangePicker location={location} range={range} />
              <label class="toggle" title={isRelative(range) ? 'Reload every 30 s' : 'Only for ranges ending now'}>
                <input
                  type="checkbox"
                  checked={autoRefresh}
                  disabled={!isRelative(range)}
                  onChange={(e) =>
                    navigate(withParams({ refresh: e.currentTarget.checked ? 'on' : null }, location), true)
                  }
                />{' '}
                Auto-refresh
              </label>
              <button type="button" class="btn" onClick={() => setTick((t) => t + 1)} title="Reload now">
                ↻
              </button>
            </div>
          </header>
          <main class="content">
            <PageBoundary key={location.path}>{page}</PageBoundary>
          </main>
        </div>
      </div>
    </PageContextValue.Provider>
  );
}
