import type { JSX } from 'preact';
import { Empty } from './components/States';
import { Link } from './components/Link';
import { Alerts } from './pages/Alerts';
import { Compare } from './pages/Compare';
import { IncidentList } from './pages/incident/IncidentList';
import { IncidentPage } from './pages/incident/IncidentPage';
import { Login } from './pages/Login';
import { Postmortem } from './pages/incident/Postmortem';
import { Logs } from './pages/Logs';
import { Metrics } from './pages/Metrics';
import { Overview } from './pages/Overview';
import { ServiceMap } from './pages/ServiceMap';
import { ServicePage } from './pages/ServicePage';
import { SloList } from './pages/slo/SloList';
import { SloPage } from './pages/slo/SloPage';
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
  if (path === '/slos') return { title: 'SLOs', render: () => <SloList /> };
  if (path === '/alerts') return { title: 'Alerts', render: () => <Alerts /> };
  if (path === '/incidents') return { title: 'Incidents', render: () => <IncidentList /> };
  if (path === '/compare') return { title: 'Compare traces', render: () => <Compare /> };
  if (path === '/login') return { title: 'Sign in', render: () => <Login /> };
  const slo = /^\/slos\/([^/]+)$/.exec(path);
  if (slo) {
    const name = decodeURIComponent(slo[1]!);
    return { title: `SLO ${name}`, render: () => <SloPage key={name} name={name} /> };
  }
  const incident = /^\/incidents\/([^/]+)(\/postmortem)?$/.exec(path);
  if (incident) {
    const id = decodeURIComponent(incident[1]!);
    return incident[2]
      ? { title: `Post-mortem ${id}`, render: () => <Postmortem key={id} id={id} /> }
      : { title: `Incident ${id}`, render: () => <IncidentPage key={id} id={id} /> };
  }
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
