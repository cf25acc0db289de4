// @vitest-environment happy-dom
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Incident } from '../../api/incidents';
import type { Span } from '../../api/types';
import { PageContextValue } from '../../lib/pageContext';
import { Compare } from '../Compare';
import { cardFixture, largeCardFixture, listEntry } from './fixtures';
import { IncidentList } from './IncidentList';
import { IncidentCard, IncidentPage } from './IncidentPage';
import { Postmortem } from './Postmortem';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;
const realFetch = globalThis.fetch;
let host: HTMLElement;
let calls: { url: string; init: RequestInit }[];

function serve(handler: Handler) {
  calls = [];
  globalThis.fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return handler(String(url), init ?? {});
  }) as typeof fetch;
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const notFound = (message: string) => json({ error: { status: 404, message } }, 404);

function mount(node: ComponentChild, url = '/') {
  window.history.replaceState(null, '', url);
  const u = new URL(url, 'http://localhost');
  host = document.createElement('div');
  document.body.appendChild(host);
  act(() => render(<PageContextValue.Provider value={{ location: { path: u.pathname, params: u.searchParams }, tick: 0 }}>{node}</PageContextValue.Provider>, host));
  return host;
}
const q = (testId: string) => host.querySelector(`[data-testid="${testId}"]`);
const qa = (testId: string) => [...host.querySelectorAll(`[data-testid="${testId}"]`)];
async function settle() {
  for (let i = 0; i < 5; i++) await act(async () => new Promise((r) => setTimeout(r, 0)));
}

beforeEach(() => serve(() => notFound('not stubbed')));
afterEach(() => {
  act(() => render(null, host));
  host.remove();
  globalThis.fetch = realFetch;
  localStorage.clear();
});

function card(c: Incident, onUpdate: (c: Incident) => void = () => undefined) {
  return mount(<IncidentCard incident={c} onUpdate={onUpdate} />);
}

describe('incident card', () => {
  it('shows every part of the card', () => {
    card(cardFixture());
    for (const id of ['incident-status', 'root-cause', 'hypotheses', 'critical-path-compare', 'attribute-differences', 'error-groups', 'log-patterns', 'changes-timeline', 'dependencies', 'timeline', 'verification', 'action-items', 'postmortem-link', 'responder-name', 'action-item-text', 'action-item-owner', 'action-item-add']) {
      expect(q(id), id).not.toBeNull();
    }
    expect(q('incident-status')!.textContent).toBe('open');
    expect(q('root-cause')!.textContent).toContain('Shop.OrderService.PlaceOrder');
    expect(q('root-cause')!.textContent).toContain('100% confidence');
    expect(qa('log-pattern')).toHaveLength(1);
    expect(q('log-pattern')!.innerHTML).toContain('href="/logs?traceId=00000000000000000000000000abc000"');
    expect(qa('timeline-entry').map((e) => e.getAttribute('data-kind'))).toEqual(['change', 'alert-fired', 'opened']);
    expect(q('postmortem-link')!.getAttribute('href')).toBe('/incidents/inc-12a34e137c6d/postmortem');
    const compare = host.querySelector('a[href^="/compare"]')!;
    expect(compare.getAttribute('href')).toBe('/compare?a=00000000000000000000000000abc38f&b=00000000000000000000000000abc227');
    expect(host.querySelector('a[href="/slos/checkout-availability"]')).not.toBeNull();
    expect(host.querySelector('a[href="/traces/00000000000000000000000000abc38f"]')).not.toBeNull();
    expect(q('error-groups')!.querySelector('details pre')!.textContent).toContain('Order.java:42');
  });

  it.each([
    ['open', [true, true, true]],
    ['acknowledged', [false, true, true]],
    ['mitigated', [false, false, true]],
    ['resolved', [false, false, false]],
  ] as const)('enables the lifecycle buttons a %s incident allows', (status, enabled) => {
    card(cardFixture({ status }));
    expect(['ack-button', 'mitigate-button', 'resolve-button'].map((id) => !(q(id) as HTMLButtonElement).disabled)).toEqual(enabled);
  });

  it('says investigating while the investigation runs', () => {
    card(cardFixture({ investigation: 'running', rootCause: null, hypotheses: [], evidence: null }));
    expect(q('root-cause')!.textContent).toContain('investigating…');
    expect(q('investigating')).not.toBeNull();
    expect(q('critical-path-compare')).toBeNull();
    expect(q('verification')).not.toBeNull();
  });

  it('shows a failed investigation and empty evidence', () => {
    card(cardFixture({ investigation: 'failed: storage busy', rootCause: null, hypotheses: [], evidence: {} }));
    expect(q('root-cause')!.textContent).toContain('storage busy');
    expect(q('log-patterns')!.textContent).toContain('No log pattern');
  });

  it('renders a large card fast, long lists collapsed', () => {
    const t0 = performance.now();
    card(largeCardFixture());
    const ms = performance.now() - t0;
    expect(qa('log-pattern')).toHaveLength(10);
    expect(qa('hypothesis')).toHaveLength(10);
    expect(qa('evidence-trace')).toHaveLength(20);
    const showAll = [...host.querySelectorAll('button.show-all')].find((b) => b.textContent!.includes('50 log patterns')) as HTMLButtonElement;
    act(() => showAll.click());
    expect(qa('log-pattern')).toHaveLength(50);
    expect(ms).toBeLessThan(1000);
  });

  it('renders action items as text, never as HTML', () => {
    card(cardFixture({ actionItems: [{ id: 'a1', text: '<img src=x onerror=alert(1)> [x](javascript:alert(1))', owner: 'ops', createdAt: '2026-11-21T11:16:00Z', done: true, doneAt: '2026-11-21T11:20:00Z', doneBy: 'ann' }] }));
    expect(q('action-items')!.querySelector('img')).toBeNull();
    expect(q('action-item')!.textContent).toContain('<img src=x onerror=alert(1)>');
    expect((q('action-item-done') as HTMLInputElement).checked).toBe(true);
    expect(q('action-item')!.textContent).toContain('by ann');
  });

  it('cannot mark items done on a server without the done field', () => {
    card(cardFixture({ actionItems: [{ id: 'a1', text: 'roll back', owner: null, createdAt: '2026-11-21T11:16:00Z' }] }));
    expect((q('action-item-done') as HTMLInputElement).disabled).toBe(true);
  });
});

describe('incident page', () => {
  it('acknowledges with the responder name and shows the new status at once; a 409 shows the message', async () => {
    let status: Incident['status'] = 'open';
    serve((url, init) => {
      if (url.startsWith('/api/v1/slos/')) return notFound('no SLO named checkout-availability');
      if (init.method === 'POST' && url.endsWith('/ack')) {
        if (status !== 'open') return json({ error: { status: 409, message: 'inc-12a34e137c6d is acknowledged, not open' } }, 409);
        status = 'acknowledged';
        return json(cardFixture({ status }));
      }
      return json(cardFixture({ status: 'open' }));
    });
    mount(<IncidentPage id="inc-12a34e137c6d" />);
    await settle();
    expect(q('incident-status')!.textContent).toBe('open');
    const name = q('responder-name') as HTMLInputElement;
    act(() => {
      name.value = 'alice';
      name.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(localStorage.getItem('sightline.responder')).toBe('alice');
    await act(async () => (q('ack-button') as HTMLButtonElement).click());
    await settle();
    expect(q('incident-status')!.textContent).toBe('acknowledged');
    const post = calls.find((c) => c.init.method === 'POST')!;
    expect(post.url).toBe('/api/v1/incidents/inc-12a34e137c6d/ack');
    expect(post.init.body).toBe('{"by":"alice"}');
    expect((q('ack-button') as HTMLButtonElement).disabled).toBe(true);
    // the server still says open on another tab's card: a 409 is shown inline
    act(() => render(null, host));
    status = 'acknowledged';
    serve((url, init) =>
      init.method === 'POST'
        ? json({ error: { status: 409, message: 'inc-12a34e137c6d is acknowledged, not open' } }, 409)
        : url.startsWith('/api/v1/slos/')
          ? notFound('no SLO')
          : json(cardFixture({ status: 'open' })),
    );
    act(() => render(<IncidentPage id="inc-12a34e137c6d" />, host));
    await settle();
    await act(async () => (q('ack-button') as HTMLButtonElement).click());
    await settle();
    expect(q('lifecycle-error')!.textContent).toBe('Inc-12a34e137c6d is acknowledged, not open');
  });

  it('adds an action item and marks it done; a 400 shows the API message', async () => {
    let items: Incident['actionItems'] = [];
    serve((url, init) => {
      if (url.startsWith('/api/v1/slos/')) return notFound('no SLO');
      if (init.method === 'POST' && url.endsWith('/action-items')) {
        const body = JSON.parse(String(init.body)) as { text: string; owner?: string };
        if (body.text.length > 5000) return json({ error: { status: 400, message: 'text is longer than 2000 characters', parameter: 'text' } }, 400);
        items = [{ id: 'c2cbdf77', text: body.text, owner: body.owner ?? null, createdAt: '2026-11-21T11:15:45Z', done: false, doneAt: null, doneBy: null }];
        return json(cardFixture({ actionItems: items }), 201);
      }
      if (init.method === 'POST' && url.endsWith('/action-items/c2cbdf77')) {
        items = [{ ...items[0]!, done: true, doneAt: '2026-11-21T11:20:00Z', doneBy: 'bob' }];
        return json(cardFixture({ actionItems: items }));
      }
      return json(cardFixture({ actionItems: items }));
    });
    localStorage.setItem('sightline.responder', 'bob');
    mount(<IncidentPage id="inc-12a34e137c6d" />);
    await settle();
    const text = q('action-item-text') as HTMLInputElement;
    const owner = q('action-item-owner') as HTMLInputElement;
    act(() => {
      text.value = 'add a canary stage for order';
      text.dispatchEvent(new Event('input', { bubbles: true }));
      owner.value = 'team-orders';
      owner.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => (q('action-item-add') as HTMLButtonElement).click());
    await settle();
    expect(qa('action-item')).toHaveLength(1);
    expect(JSON.parse(String(calls.find((c) => c.init.method === 'POST')!.init.body))).toEqual({ text: 'add a canary stage for order', owner: 'team-orders' });
    await act(async () => (q('action-item-done') as HTMLInputElement).click());
    await settle();
    expect((q('action-item-done') as HTMLInputElement).checked).toBe(true);
    expect(JSON.parse(String(calls.filter((c) => c.init.method === 'POST')[1]!.init.body))).toEqual({ done: true, by: 'bob' });
  });

  it('shows a card whose lists are left out while the investigation runs', async () => {
    const running = { ...cardFixture({ investigation: 'running', rootCause: null, evidence: null }), hypotheses: undefined, timeline: undefined };
    serve((url) => (url.startsWith('/api/v1/slos/') ? notFound('no SLO') : json(running)));
    mount(<IncidentPage id="inc-12a34e137c6d" />);
    await settle();
    expect(q('root-cause')!.textContent).toContain('investigating…');
    expect(q('investigating')).not.toBeNull();
  });

  it('shows the API error of an unknown incident', async () => {
    serve(() => notFound('no incident with id inc-nope'));
    mount(<IncidentPage id="inc-nope" />);
    await settle();
    expect(q('error')!.textContent).toContain('No incident with id inc-nope');
  });
});

describe('incident list', () => {
  it('lists incidents newest first with id and status, filters in the URL', async () => {
    serve(() =>
      json({
        incidents: [
          { ...listEntry('inc-old', 'resolved', '2026-11-20T10:00:00Z', 'P2'), verification: 'verified' as const },
          listEntry('inc-new', 'open', new Date(Date.now() - 30 * 60_000).toISOString()),
        ],
      }),
    );
    mount(<IncidentList />, '/incidents');
    await settle();
    const rows = qa('incident-row');
    expect(rows.map((r) => [r.getAttribute('data-id'), r.getAttribute('data-status')])).toEqual([
      ['inc-new', 'open'],
      ['inc-old', 'resolved'],
    ]);
    // respond-by passed 15 minutes ago: overdue, in red; none for a resolved incident
    expect(rows[0]!.querySelector('.countdown.overdue')!.textContent).toMatch(/^overdue by 1[45]m/);
    expect(rows[1]!.querySelector('.countdown')).toBeNull();
    // whether the fix held
    expect(rows.map((r) => r.querySelector('[data-testid=incident-verification]')!.textContent)).toEqual([
      'pending',
      'verified',
    ]);
    expect(q('incidents')).not.toBeNull();
  });

  it('passes the filters to the API and says when nothing is there', async () => {
    serve(() => json({ incidents: [] }));
    mount(<IncidentList />, '/incidents?status=open&severity=P1');
    await settle();
    expect(calls[0]!.url).toBe('/api/v1/incidents?status=open&severity=P1');
    expect(q('empty')!.textContent).toContain('No incidents: an incident opens by itself when an SLO alert fires');
    expect(q('empty')!.querySelector('a[href="/slos"]')).not.toBeNull();
  });
});

describe('incident list on a server without the severity filter', () => {
  it('filters by severity itself', async () => {
    serve((url) =>
      url.includes('severity=')
        ? json({ error: { status: 400, message: "unknown parameter 'severity'", parameter: 'severity' } }, 400)
        : json({ incidents: [listEntry('inc-a', 'open', '2026-11-21T11:00:00Z', 'P0'), listEntry('inc-b', 'open', '2026-11-21T10:00:00Z', 'P2')] }),
    );
    mount(<IncidentList />, '/incidents?severity=P2');
    await settle();
    expect(qa('incident-row').map((r) => r.getAttribute('data-id'))).toEqual(['inc-b']);
    expect(q('error')).toBeNull();
  });
});

describe('post-mortem', () => {
  it('renders the Markdown as elements and hostile text as text', async () => {
    const md = '# Post-mortem: checkout (inc-1)\n\n| | |\n|---|---|\n| Status | open |\n\n## Action items\n\n- [ ] <script>alert(1)</script>\n- [ ] [x](javascript:alert(1)) and [ok](https://example.com)\n- [x] # heading inside\n';
    serve(() => new Response(md, { status: 200, headers: { 'Content-Type': 'text/markdown' } }));
    mount(<Postmortem id="inc-1" />);
    await settle();
    const pm = q('postmortem')!;
    expect(pm.querySelector('h1')!.textContent).toBe('Post-mortem: checkout (inc-1)');
    expect(pm.querySelector('script')).toBeNull();
    expect(pm.textContent).toContain('<script>alert(1)</script>');
    expect([...pm.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['https://example.com']);
    expect(pm.querySelectorAll('h1, h2').length).toBe(2);
    expect([...pm.querySelectorAll('input[type=checkbox]')].map((c) => (c as HTMLInputElement).checked)).toEqual([false, false, true]);
    const download = q('postmortem-download')!;
    expect(download.getAttribute('download')).toBe('postmortem-inc-1.md');
    expect(download.getAttribute('href')).toBe('/api/v1/incidents/inc-1/postmortem');
  });
});

describe('compare', () => {
  const A = '0000000000000000000000000000000a';
  const B = '0000000000000000000000000000000b';
  const span = (traceId: string, spanId: string, parent: string, service: string, name: string, s: number, e: number): Span => ({
    traceId, spanId, parentSpanId: parent, name, kind: 'SERVER', service, startTimeUnixNano: s * 1e6, endTimeUnixNano: e * 1e6, durationNanos: (e - s) * 1e6,
    status: { code: 'UNSET', message: '' }, attributes: {}, resource: {}, scope: { name: '', version: '' }, events: [], links: [],
    droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
  });

  it('compares two traces and names a missing one', async () => {
    serve((url) => {
      if (url.endsWith(A)) return json({ traceId: A, spans: [span(A, '1', '', 'fe', 'GET', 0, 100), span(A, '2', '1', 'cache', 'get', 10, 20)] });
      if (url.endsWith(B)) return json({ traceId: B, spans: [span(B, '1', '', 'fe', 'GET', 0, 300), span(B, '2', '1', 'pay', 'charge', 10, 290)] });
      return notFound('trace … not found');
    });
    mount(<Compare />, `/compare?a=${A}&b=${B}`);
    await settle();
    expect(q('compare-only-a')!.textContent).toContain('cache');
    expect(q('compare-only-b')!.textContent).toContain('pay');
    expect(q('compare-deltas')!.textContent).toContain('+200 ms');
    expect(q('compare-critical-b')!.textContent).toContain('charge');
    act(() => render(null, host));
    host.remove();
    mount(<Compare />, `/compare?a=${A}&b=ffffffffffffffffffffffffffffffff`);
    await settle();
    expect(q('compare-side-b')!.querySelector('[data-testid="error"]')!.textContent).toContain('Trace B');
    expect(q('compare-side-a')!.querySelector('[data-testid="error"]')).toBeNull();
    expect(q('compare-deltas')).toBeNull();
  });
});
