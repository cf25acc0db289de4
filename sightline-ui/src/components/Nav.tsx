import { Link } from './Link';
import { linkWithRange, type Location } from '../lib/router';

/** The sections; those of the next milestone are listed as not yet available, never as dead links. */
const SECTIONS = [
  // a service's page is reached from the overview's list of services
  { path: '/', label: 'Overview', match: (p: string) => p === '/' || p.startsWith('/services/') },
  { path: '/service-map', label: 'Service map', match: (p: string) => p === '/service-map' },
  { path: '/traces', label: 'Traces', match: (p: string) => p.startsWith('/traces') },
  { path: '/logs', label: 'Logs', match: (p: string) => p.startsWith('/logs') },
  { path: '/metrics', label: 'Metrics', match: (p: string) => p.startsWith('/metrics') },
];
const COMING = ['SLOs', 'Alerts', 'Incidents'];

export function Nav({ location }: { location: Location }) {
  return (
    <nav class="nav" aria-label="Sections">
      <Link class="brand" href={linkWithRange('/', location.params)}>
        Sightline
      </Link>
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.path}>
            <Link
              href={linkWithRange(s.path, location.params)}
              aria-current={s.match(location.path) ? 'page' : undefined}
            >
              {s.label}
            </Link>
          </li>
        ))}
        {COMING.map((label) => (
          <li key={label}>
            <span class="nav-soon" title="Not yet available: comes with the SLO and incident pages">
              {label} <small>soon</small>
            </span>
          </li>
        ))}
      </ul>
    </nav>
  );
}
