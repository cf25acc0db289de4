import { Link } from './Link';
import { linkWithRange, type Location } from '../lib/router';

/** The sections, in the order a responder reads them. */
const SECTIONS = [
  // a service's page is reached from the overview's list of services
  { path: '/', label: 'Overview', match: (p: string) => p === '/' || p.startsWith('/services/') },
  { path: '/service-map', label: 'Service map', match: (p: string) => p === '/service-map' },
  { path: '/traces', label: 'Traces', match: (p: string) => p.startsWith('/traces') },
  { path: '/logs', label: 'Logs', match: (p: string) => p.startsWith('/logs') },
  { path: '/metrics', label: 'Metrics', match: (p: string) => p.startsWith('/metrics') },
  { path: '/slos', label: 'SLOs', match: (p: string) => p.startsWith('/slos') },
  { path: '/alerts', label: 'Alerts', match: (p: string) => p.startsWith('/alerts') },
  {
    path: '/incidents',
    label: 'Incidents',
    match: (p: string) => p.startsWith('/incidents') || p.startsWith('/compare'),
  },
];

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
      </ul>
    </nav>
  );
}
