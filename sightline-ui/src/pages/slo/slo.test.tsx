// @vitest-environment happy-dom
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeriesSpec } from '../../components/Chart';
import { LiveAlerts } from '../../components/LiveAlerts';
import { PageContextValue } from '../../lib/pageContext';
import { ALERTS, INCIDENTS, SLO_LIST, sloAnswer } from '../../lib/sloFixtures';
import type { Annotation } from '../../lib/slo';
import { Alerts } from '../Alerts';
import { SloList } from './SloList';
import { SloPage } from './SloPage';

// uPlot needs a real canvas: the chart is replaced by a stub showing what it was given
vi.mock('../../components/Chart', () => ({
  Chart: (props: { title?: string; testId?: string; series: SeriesSpec[]; data: unknown[][]; annotations?: Annotation[] }) => (
    <figure data-testid={props.testId ?? 'chart'} data-title={props.title} data-points={props.data[0]!.length}>
      <ul class="legend">
        {props.series.map((s) => (
          <li key={s.label} data-dash={s.dash ? 'yes' : 'no'}>
            {s.label}
          </li>
        ))}
      </ul>
      {(props.annotations ?? []).map((a, i) => (
        <div key={i} data-testid="annotation" data-kind={a.kind} title={a.label} />
      ))}
    </figure>
  ),
}));

type Route = (url: URL) => { status: number; body: unknown } | undefined;
let routes: Route[] = [];
const requested: string[] = [];

beforeEach(() => {
  routes = [];
  requested.length = 0;
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    requested.push(url.pathname + url.search);
    for (const route of routes) {
      const r = route(url);
      if (r) return new Response(JSON.stringify(r.body), { status: r.status, headers: { ETag: `W/"${requested.length}"` } });
    }
    return new Response(JSON.stringify({ error: { status: 404, message: `no route for ${url.pathname}` } }), { status: 404 });
  }) as typeof fetch;
});

const answer = (path: string, body: unknown, status = 200): Route => (url) =>
  url.pathname === `/api/v1${path}` ? { status, body } : undefined;

let host: HTMLElement;
function mount(node: ComponentChild, url: string) {
  window.history.replaceState(null, '', url);
  const u = new URL(url, 'http://localhost');
  host = document.createElement('div');
  document.body.appendChild(host);
  act(() =>
    render(
      <PageContextValue.Provider value={{ location: { path: u.pathname, params: u.searchParams }, tick: 0 }}>{node}</PageContextValue.Provider>,
      host,
    ),
  );
  return host;
}
afterEach(() => {
  act(() => render(null, host));
  host.remove();
});

const rows = () => [...host.querySelectorAll('[data-testid=slo-row]')];

describe('SloList', () => {
  it('lists every objective with its budget, burn rates and alert, and the spec problems', async () => {
    routes.push(answer('/slos', SLO_LIST), answer('/incidents', { incidents: INCIDENTS }));
    mount(<SloList />, '/slos');
    await vi.waitFor(() => expect(rows()).toHaveLength(5));
    expect(host.querySelector('table[data-testid=slos]')).not.toBeNull();
    expect(rows().map((r) => [r.getAttribute('data-slo'), r.getAttribute('data-state')])).toEqual([
      ['checkout-availability', 'firing'],
      ['new-slo', 'pending'],
      ['checkout-latency', 'ok'],
      ['checkout-latency', 'ok'],
      ['metric-slo', 'unsupported'],
    ]);
    const firing = rows()[0]!;
    expect(firing.querySelector('[data-testid=budget]')!.getAttribute('data-overspent')).toBe('true');
    expect(firing.textContent).toContain('overspent by 1994%');
    expect(firing.textContent).toContain('5m 76.7×');
    // firing links to the alerts of the SLO and to its incident (found by the alert id)
    const links = [...firing.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toContain('/slos/checkout-availability');
    expect(links).toContain('/alerts?slo=checkout-availability');
    await vi.waitFor(() => expect(links.concat([...rows()[0]!.querySelectorAll('a')].map((a) => a.getAttribute('href')))).toContain('/incidents/inc-12a34e137c6d'));
    expect(rows()[2]!.querySelector('[data-testid=budget]')!.getAttribute('data-overspent')).toBe('false');
    const problems = host.querySelector('[data-testid=slo-problems]')!;
    expect(problems.textContent).toContain('broken.yaml:7');
    expect(problems.textContent).toContain("'Ocurrences' is not supported");
  });

  it('filters by service and state from the URL', async () => {
    routes.push(answer('/slos', SLO_LIST), answer('/incidents', { incidents: [] }));
    mount(<SloList />, '/slos?service=frontend&state=ok');
    await vi.waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows().every((r) => r.getAttribute('data-slo') === 'checkout-latency')).toBe(true);
    expect((host.querySelector('[data-testid=slo-state-filter]') as HTMLSelectElement).value).toBe('ok');
  });

  it('says how to add an SLO when there is none', async () => {
    routes.push(answer('/slos', { slos: [], problems: [], evaluatedAt: null }), answer('/incidents', { incidents: [] }));
    mount(<SloList />, '/slos');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=empty]')).not.toBeNull());
    const text = host.querySelector('[data-testid=empty]')!.textContent!;
    expect(text).toContain('--slo-dir');
    expect(text).toContain('POST /api/v1/slos');
    expect(host.querySelector('[data-testid=slos]')).toBeNull();
  });

  it('shows the API error', async () => {
    routes.push(answer('/slos', { error: { status: 500, message: 'storage is busy' } }, 500));
    mount(<SloList />, '/slos');
    expect(host.textContent).toContain('Loading SLOs');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=error]')).not.toBeNull());
    expect(host.querySelector('[data-testid=error]')!.textContent).toContain('storage is busy');
  });
});

describe('SloPage', () => {
  const versions = {
    service: 'frontend',
    start: 0,
    end: 0,
    versions: [
      { version: '1.4.2', firstSeenUnixNano: 1795255000000000000, lastSeenUnixNano: 1795259400000000000, spans: 4000 },
      { version: '1.5.0', firstSeenUnixNano: 1795259475002000000, lastSeenUnixNano: 1795259713000000000, spans: 240 },
    ],
  };

  it('draws a burn-rate chart per rule with both windows and the threshold, the SLI, the burndown and markers', async () => {
    routes.push(
      (url) => (url.pathname === '/api/v1/slos/checkout-availability' ? { status: 200, body: sloAnswer() } : undefined),
      answer('/alerts', { alerts: ALERTS }),
      answer('/incidents', { incidents: INCIDENTS }),
      answer('/slos', SLO_LIST),
      answer('/service-map', { edges: [{ client: 'frontend', server: 'order', connection: 'request', calls: 10 }] }),
      answer('/services/frontend/versions', { ...versions, versions: versions.versions.slice(0, 1) }),
      answer('/services/order/versions', { ...versions, service: 'order' }),
    );
    mount(<SloPage name="checkout-availability" />, '/slos/checkout-availability?start=now-6h');
    await vi.waitFor(() => expect(host.querySelectorAll('[data-testid=burn-rate-chart]')).toHaveLength(3));
    const charts = [...host.querySelectorAll('[data-testid=burn-rate-chart]')];
    expect(charts.map((c) => c.getAttribute('data-rule'))).toEqual(['page-fast', 'page-slow', 'ticket']);
    const legend = [...charts[0]!.querySelectorAll('.legend li')].map((li) => [li.textContent, li.getAttribute('data-dash')]);
    expect(legend).toEqual([
      ['long window 1h', 'no'],
      ['short window 5m', 'no'],
      ['threshold 14.4×', 'yes'],
    ]);
    expect(charts[0]!.querySelector('figure')!.getAttribute('data-points')).toBe('4');
    expect(host.querySelector('[data-testid=sli-chart]')).not.toBeNull();
    // header
    const header = host.querySelector('[data-testid=slo-header]')!.textContent!;
    for (const text of ['frontend', '99%', '30d rolling', 'team-shop', 'https://runbooks.example.com/checkout', 'P0', '15m', 'firing']) {
      expect(header).toContain(text);
    }
    await vi.waitFor(() => expect(header + host.querySelector('[data-testid=slo-header]')!.textContent).toContain('incident inc-12a34e137c6d'));
    // markers: two alerts fired, one resolved, the version change of the service it calls
    await vi.waitFor(() => expect(charts[0]!.querySelectorAll('[data-testid=annotation]').length).toBe(4));
    const kinds = [...charts[0]!.querySelectorAll('[data-testid=annotation]')].map((a) => a.getAttribute('data-kind'));
    expect(kinds).toEqual(['alert-fired', 'alert-resolved', 'version', 'alert-fired']);
    // the burndown asks for the SLO window only, over the SLO period
    await vi.waitFor(() => expect(host.querySelector('[data-testid=burndown-chart] figure')).not.toBeNull());
    const burndown = requested.find((r) => r.includes('windows=30d'))!;
    const q = new URLSearchParams(burndown.split('?')[1]);
    expect(Number(q.get('end')) - Number(q.get('start'))).toBe(30 * 86_400_000);
    expect(q.get('step')).toBe('1h');
    // the spec as stored
    expect(host.querySelector('[data-testid=slo-spec]')!.textContent).toContain('name: checkout-availability');
    // alerts asked for this SLO, in both states
    expect(requested).toContain('/api/v1/alerts?slo=checkout-availability');
  });

  it('shows a 404 as an error', async () => {
    routes.push(answer('/slos/nope', { error: { status: 404, message: 'no SLO named nope' } }, 404));
    mount(<SloPage name="nope" />, '/slos/nope?start=now-6h');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=error]')).not.toBeNull());
    expect(host.textContent).toContain('No SLO named nope');
  });
});

describe('Alerts', () => {
  it('lists firing and resolved alerts with links to the SLO and the incident', async () => {
    routes.push(answer('/alerts', { alerts: ALERTS }), answer('/incidents', { incidents: INCIDENTS }));
    mount(<Alerts />, '/alerts');
    await vi.waitFor(() => expect(host.querySelectorAll('[data-testid=alert-row]')).toHaveLength(2));
    expect(host.querySelector('table[data-testid=alerts]')).not.toBeNull();
    const alertRows = [...host.querySelectorAll('[data-testid=alert-row]')];
    expect(alertRows.map((r) => [r.getAttribute('data-state'), r.getAttribute('data-slo')])).toEqual([
      ['firing', 'checkout-availability'],
      ['resolved', 'checkout-availability'],
    ]);
    const firing = alertRows[0]!;
    expect(firing.textContent).toContain('P0');
    expect(firing.textContent).toContain('page-fast');
    expect(firing.querySelector('time')!.getAttribute('title')).toMatch(/^2026-11-21 /);
    await vi.waitFor(() =>
      expect([...alertRows[0]!.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toContain('/incidents/inc-12a34e137c6d'),
    );
    expect([...firing.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toContain('/slos/checkout-availability');
    expect(firing.querySelector('[data-testid=respond-by]')).not.toBeNull();
  });

  it('passes the slo filter of the URL to the API and says when there is nothing', async () => {
    routes.push(answer('/alerts', { alerts: [] }), answer('/incidents', { incidents: [] }));
    mount(<Alerts />, '/alerts?slo=checkout-latency');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=empty]')).not.toBeNull());
    expect(requested).toContain('/api/v1/alerts?slo=checkout-latency');
    expect(host.querySelector('[data-testid=empty]')!.textContent).toContain('No alert is firing');
  });

  it('shows the API error', async () => {
    routes.push(answer('/alerts', { error: { status: 400, message: "invalid parameter 'state'" } }, 400));
    mount(<Alerts />, '/alerts');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=error]')).not.toBeNull());
  });
});

describe('LiveAlerts (overview)', () => {
  it('lists firing alerts and open incidents with cause and respond-by', async () => {
    routes.push(answer('/alerts', { alerts: ALERTS.filter((a) => a.state === 'firing') }), answer('/incidents', { incidents: INCIDENTS }));
    mount(<LiveAlerts />, '/');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=firing-alert-list]')).not.toBeNull());
    expect(host.querySelector('[data-testid=firing-alerts] .value')!.textContent).toBe('1');
    const alertLinks = [...host.querySelectorAll('[data-testid=firing-alert-list] a')].map((a) => a.getAttribute('href'));
    expect(alertLinks).toEqual(['/slos/checkout-availability', '/alerts?slo=checkout-availability']);
    const incidents = [...host.querySelectorAll('[data-testid=open-incident-list] li')];
    expect(incidents.map((i) => i.getAttribute('data-incident'))).toEqual(['inc-12a34e137c6d', 'inc-7']);
    expect(host.querySelector('[data-testid=open-incidents] .value')!.textContent).toBe('2');
    expect(incidents[0]!.querySelector('a')!.getAttribute('href')).toBe('/incidents/inc-12a34e137c6d');
    expect(incidents[0]!.textContent).toContain('Probable cause: order Shop.OrderService.PlaceOrder fails');
    expect(incidents[0]!.textContent).toContain('open');
    expect(incidents[0]!.querySelector('[data-testid=respond-by]')!.textContent).toMatch(/^overdue by /);
    expect(incidents[1]!.textContent).toContain('No probable cause found yet.');
  });

  it('is one quiet line when nothing fires, keeping the counts', async () => {
    routes.push(answer('/alerts', { alerts: [] }), answer('/incidents', { incidents: INCIDENTS.filter((i) => i.status === 'resolved') }));
    mount(<LiveAlerts />, '/');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=all-clear]')).not.toBeNull());
    expect(host.querySelector('[data-testid=firing-alerts] .value')!.textContent).toBe('0');
    expect(host.querySelector('[data-testid=open-incidents] .value')!.textContent).toBe('0');
    expect(host.querySelector('[data-testid=firing-alert-list]')).toBeNull();
  });

  it('shows an error, and what did load', async () => {
    routes.push(answer('/incidents', { incidents: INCIDENTS }));
    mount(<LiveAlerts />, '/');
    await vi.waitFor(() => expect(host.querySelector('[data-testid=error]')).not.toBeNull());
    expect(host.querySelector('[data-testid=error]')!.textContent).toContain('No route for /api/v1/alerts');
    expect(host.querySelectorAll('[data-testid=open-incident-list] li')).toHaveLength(2);
    expect(host.querySelector('[data-testid=all-clear]')).toBeNull();
  });
});
