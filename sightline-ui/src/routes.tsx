import type { JSX } from 'preact';
import { Empty } from './components/States';
import { Link } from './components/Link';
import { Logs } from './pages/Logs';
import { Metrics } from './pages/Metrics';
import { Overview } from './pages/Overview';
import { ServiceMap } from './pages/ServiceMap';
import { ServicePage } from './pages/ServicePage';
import { TracePage } from './pages/trace/TracePage';
import { Traces } from './pages/Traces';

export interface Route {
  title: string;
  render: () => JSX.Element;
}

/** The page for a path: the routes of docs/ui (keep them stable: links are shared). */
export function routeFor(path: string): Route {
  if (path === '/' || path === '') return { title: 'Overview', render: () => <Overview /> };
  if (path === '/service-map') return { title: 'Service map', render: () => <ServiceMap /> };
  if (path === '/traces') return { title: 'Traces', render: () => <Traces /> };
  if (path === '/logs') return { title: 'Logs', render: () => <Logs /> };
  if (path === '/metrics') return { title: 'Metrics', render: () => <Metrics /> };
  const trace = /^\/traces\/([0-9a-fA-F]{32})$/.exec(path);
  if (trace) return { title: `Trace ${trace[1]!.slice(0, 8)}`, render: () => <TracePage traceId={trace[1]!.toLowerCase()} /> };
  const service = /^\/services\/([^/]+)$/.exec(path);
  if (service) {
    const name = decodeURIComponent(service[1]!);
    return { title: `Service ${name}`, render: () => <ServicePage key={name} service={name} /> };
  }
  return {
    title: 'Not found',
    render: () => (
      <Empty>
        There is no page at <code>{path}</code>. Go to the <Link href="/">overview</Link>.
      </Empty>
    ),
  };
}
